// Compiled (not run) by .ci/run in the fresh Node project that installed the
// tarball: the types resolve through the package's `exports`, and they say
// what the JSON holds.
import { simulate, RochdaleError, type SimulationOutcome, type Diagnostic, type TrancheView } from 'rochdale';

const outcome: SimulationOutcome = simulate('a.coop', '', { scenario: 'first year' });
const tranche: TrancheView | undefined = outcome.periods[0]?.allocations[0]?.tranches[0];
const total: string | undefined = tranche?.total.value;
const first: Diagnostic | undefined = new RochdaleError().diagnostics[0];
const line: number | null | undefined = first?.line;
export { total, line };
