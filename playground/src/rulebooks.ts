// Every rulebook under rulebooks/ (and the member lists they name), built in.
const texts = import.meta.glob('../../rulebooks/*.coop', { query: '?raw', import: 'default', eager: true }) as Record<string, string>;
const csvs = import.meta.glob('../../rulebooks/*.csv', { query: '?raw', import: 'default', eager: true }) as Record<string, string>;

const base = (path: string) => path.split('/').pop()!;

export interface Rulebook {
  /** `rochdale-1844.coop` */
  file: string;
  /** The cooperative's name, from the header. */
  title: string;
  text: string;
}

export const rulebooks: Rulebook[] = Object.entries(texts)
  .map(([path, text]) => ({
    file: base(path),
    title: /rulebook "([^"]+)"/.exec(text)?.[1] ?? base(path),
    text,
  }))
  .sort((a, b) => (a.file === 'rochdale-1844.coop' ? -1 : b.file === 'rochdale-1844.coop' ? 1 : a.file.localeCompare(b.file)));

/** The files a rulebook may name (`members from "x.csv"`), by name. */
export const files: Record<string, string> = Object.fromEntries(Object.entries(csvs).map(([p, t]) => [base(p), t]));
