//! The order in which rules are checked: every rule after the rules it uses,
//! so that their types are known. Rules that use each other in a circle are
//! reported as cycles. Both steps are iterative, so a chain of ten thousand
//! rules cannot overflow the stack.

/// The result of ordering a dependency graph.
pub struct Order {
    /// Rules not in any cycle, each after all it depends on.
    pub sorted: Vec<usize>,
    /// Each cycle once, as the rules along it in order.
    pub cycles: Vec<Vec<usize>>,
    /// Rules in or depending on a cycle, in index order.
    pub blocked: Vec<usize>,
}

/// Orders `deps` where `deps[r]` lists the rules that rule `r` uses.
pub fn order(deps: &[Vec<usize>]) -> Order {
    let n = deps.len();
    // Kahn's algorithm on the reversed graph: a rule is ready when every rule
    // it uses is placed.
    let mut waiting: Vec<usize> = deps
        .iter()
        .map(|d| {
            let mut unique = d.clone();
            unique.sort_unstable();
            unique.dedup();
            unique.len()
        })
        .collect();
    let mut users: Vec<Vec<usize>> = vec![Vec::new(); n];
    for (rule, used) in deps.iter().enumerate() {
        let mut unique = used.clone();
        unique.sort_unstable();
        unique.dedup();
        for u in unique {
            if u < n {
                users[u].push(rule);
            }
        }
    }
    let mut ready: Vec<usize> = (0..n).filter(|&r| waiting[r] == 0).rev().collect();
    let mut sorted = Vec::with_capacity(n);
    while let Some(rule) = ready.pop() {
        sorted.push(rule);
        for &user in users[rule].iter().rev() {
            waiting[user] -= 1;
            if waiting[user] == 0 {
                ready.push(user);
            }
        }
    }

    let mut placed = vec![false; n];
    for &r in &sorted {
        placed[r] = true;
    }
    let blocked: Vec<usize> = (0..n).filter(|&r| !placed[r]).collect();

    // Each unplaced rule either lies on a cycle or leads to one. Walk from
    // each along unplaced dependencies until a rule repeats: that closes a
    // cycle. Rules already reported are not reported again.
    let mut cycles = Vec::new();
    let mut reported = vec![false; n];
    let mut visited_in_walk = vec![usize::MAX; n];
    for (walk, &start) in blocked.iter().enumerate() {
        if reported[start] {
            continue;
        }
        let mut path = Vec::new();
        let mut current = start;
        loop {
            if reported[current] {
                break;
            }
            if visited_in_walk[current] == walk {
                let from = path.iter().position(|&r| r == current).unwrap_or(0);
                let cycle: Vec<usize> = path[from..].to_vec();
                for &r in &cycle {
                    reported[r] = true;
                }
                cycles.push(cycle);
                break;
            }
            visited_in_walk[current] = walk;
            path.push(current);
            match deps[current].iter().copied().find(|&d| d < n && !placed[d]) {
                Some(next) => current = next,
                None => break,
            }
        }
    }
    Order {
        sorted,
        cycles,
        blocked,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn orders_dependencies_first() {
        // 0 uses 1, 1 uses 2.
        let o = order(&[vec![1], vec![2], vec![]]);
        assert_eq!(o.sorted, vec![2, 1, 0]);
        assert!(o.cycles.is_empty());
    }

    #[test]
    fn finds_each_cycle_once() {
        // 0 -> 1 -> 0 is a cycle; 2 uses 0 and is blocked; 3 -> 3 is a cycle.
        let o = order(&[vec![1], vec![0], vec![0], vec![3]]);
        assert_eq!(o.sorted, Vec::<usize>::new());
        assert_eq!(o.cycles, vec![vec![0, 1], vec![3]]);
        assert_eq!(o.blocked, vec![0, 1, 2, 3]);
    }

    #[test]
    fn long_chain_does_not_recurse() {
        let n = 100_000;
        let deps: Vec<Vec<usize>> = (0..n)
            .map(|i| if i + 1 < n { vec![i + 1] } else { vec![] })
            .collect();
        let o = order(&deps);
        assert_eq!(o.sorted.len(), n);
        assert_eq!(o.sorted[0], n - 1);
    }
}
