//! Small-cell suppression for figures that leave the team (issue 11 point 5, ADR 0037): a count
//! under the threshold (5 by default) could single out a person, so it is not published, and
//! neither are enough other cells that it cannot be worked out from the totals.
//!
//! - **Primary**: every count with `0 < count < threshold` (zeros are published: "nobody" names
//!   nobody), totals included.
//! - **Secondary** (complements): a table with its row and column totals is a set of equations;
//!   a suppressed count is safe when it can move without changing anything published, which
//!   is so when it lies on a cycle of suppressed entries (rows and columns alternating, margins
//!   included): +1, −1 around the cycle keeps every total. Each suppressed entry that lies on
//!   no such cycle gets the cheapest rectangle of non-zero entries completed around it. A
//!   list with its total is the one-column case: two suppressed counts at least, or the total.
//!
//! The tests check the result independently: no suppressed entry is determined by the
//! published ones (linear algebra over the table's equations).

/// The default threshold: counts under it are suppressed.
pub const DEFAULT_THRESHOLD: i64 = 5;

/// The thresholds an organisation may choose: never under the default (a count of 2, 3 or 4
/// published outside the team can single a person out), up to 50 for a funder that asks more.
pub const THRESHOLD_RANGE: (i64, i64) = (DEFAULT_THRESHOLD, 50);

/// Which counts of a list (with its total) are suppressed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListSuppression {
    pub values: Vec<bool>,
    pub total: bool,
}

fn small(v: i64, threshold: i64) -> bool {
    v > 0 && v < threshold
}

/// Suppression of a list of counts and its total.
pub fn suppress_list(values: &[i64], threshold: i64) -> ListSuppression {
    let total: i64 = values.iter().sum();
    let mut hidden: Vec<bool> = values.iter().map(|v| small(*v, threshold)).collect();
    let mut total_hidden = small(total, threshold);
    let count = |h: &[bool], t: bool| h.iter().filter(|x| **x).count() + usize::from(t);
    if count(&hidden, total_hidden) == 1 {
        // The one hidden count is the total minus the others: hide the smallest other count.
        let next = (0..values.len())
            .filter(|&i| !hidden[i] && values[i] > 0)
            .min_by_key(|&i| (values[i], i));
        match next {
            Some(i) => hidden[i] = true,
            None => total_hidden = true,
        }
    }
    // Hiding the total alone hides nothing (it is the sum of the counts shown); if every
    // count it sums is shown, the total is shown too.
    if total_hidden && count(&hidden, false) == 0 {
        total_hidden = false;
    }
    ListSuppression { values: hidden, total: total_hidden }
}

/// Which entries of a table (with its row totals, column totals and grand total) are
/// suppressed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TableSuppression {
    pub cells: Vec<Vec<bool>>,
    pub row_totals: Vec<bool>,
    pub column_totals: Vec<bool>,
    pub total: bool,
}

/// The table with its margins as one grid: `rows + 1` by `columns + 1`, the last row the
/// column totals, the last column the row totals.
fn augmented(cells: &[Vec<i64>]) -> Vec<Vec<i64>> {
    let columns = cells.first().map_or(0, Vec::len);
    let mut grid: Vec<Vec<i64>> = cells
        .iter()
        .map(|row| {
            let mut r = row.clone();
            r.push(row.iter().sum());
            r
        })
        .collect();
    let totals: Vec<i64> = (0..=columns).map(|c| grid.iter().map(|r| r[c]).sum()).collect();
    grid.push(totals);
    grid
}

/// Whether entry `(r, c)` lies on a cycle of hidden entries: with it left out, its row and
/// its column are still joined through hidden entries (rows and columns as the vertices of a
/// bipartite graph, hidden entries as its edges).
fn on_cycle(hidden: &[Vec<bool>], r: usize, c: usize) -> bool {
    let (rows, columns) = (hidden.len(), hidden[0].len());
    // Vertices: rows 0..rows, columns rows..rows+columns.
    let mut seen = vec![false; rows + columns];
    let mut stack = vec![r];
    seen[r] = true;
    while let Some(v) = stack.pop() {
        let next: Vec<usize> = if v < rows {
            (0..columns).filter(|&j| hidden[v][j] && (v, j) != (r, c)).map(|j| rows + j).collect()
        } else {
            let j = v - rows;
            (0..rows).filter(|&i| hidden[i][j] && (i, j) != (r, c)).collect()
        };
        for n in next {
            if !seen[n] {
                seen[n] = true;
                stack.push(n);
            }
        }
    }
    seen[rows + c]
}

/// Suppression of a table of counts with its margins.
pub fn suppress_table(cells: &[Vec<i64>], threshold: i64) -> TableSuppression {
    let grid = augmented(cells);
    let (rows, columns) = (grid.len(), grid[0].len());
    let mut hidden: Vec<Vec<bool>> =
        grid.iter().map(|row| row.iter().map(|v| small(*v, threshold)).collect()).collect();
    // Complete a rectangle around every hidden entry on no cycle, until none is left.
    loop {
        let lone = (0..rows)
            .flat_map(|r| (0..columns).map(move |c| (r, c)))
            .find(|&(r, c)| hidden[r][c] && !on_cycle(&hidden, r, c));
        let Some((r, c)) = lone else { break };
        let mut best: Option<(i64, usize, usize)> = None;
        for r2 in (0..rows).filter(|&x| x != r) {
            for c2 in (0..columns).filter(|&x| x != c) {
                let corners = [(r, c2), (r2, c), (r2, c2)];
                if corners.iter().any(|&(i, j)| grid[i][j] == 0 && !hidden[i][j]) {
                    continue;
                }
                let cost: i64 =
                    corners.iter().filter(|&&(i, j)| !hidden[i][j]).map(|&(i, j)| grid[i][j]).sum();
                if best.is_none_or(|(b, _, _)| cost < b) {
                    best = Some((cost, r2, c2));
                }
            }
        }
        match best {
            Some((_, r2, c2)) => {
                for (i, j) in [(r, c2), (r2, c), (r2, c2)] {
                    hidden[i][j] = true;
                }
            }
            // No rectangle of non-zero entries: the whole row and column go.
            None => {
                (0..columns).for_each(|j| hidden[r][j] = true);
                (0..rows).for_each(|i| hidden[i][c] = true);
            }
        }
    }
    let (r, c) = (rows - 1, columns - 1);
    TableSuppression {
        cells: hidden[..r].iter().map(|row| row[..c].to_vec()).collect(),
        row_totals: hidden[..r].iter().map(|row| row[c]).collect(),
        column_totals: hidden[r][..c].to_vec(),
        total: hidden[r][c],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Whether unknown `k` is determined by `equations` (each a row of coefficients over the
    /// unknowns, the published values moved to the other side): the unit vector of `k` is in
    /// the span of the equations (Gaussian elimination, exact on these small integers).
    fn determined(equations: &[Vec<f64>], k: usize, n: usize) -> bool {
        let rank = |m: &[Vec<f64>]| {
            let mut m: Vec<Vec<f64>> = m.to_vec();
            let mut rank = 0;
            for col in 0..n {
                let Some(p) = (rank..m.len()).find(|&i| m[i][col].abs() > 1e-9) else { continue };
                m.swap(rank, p);
                let pivot = m[rank].clone();
                for (i, row) in m.iter_mut().enumerate() {
                    if i != rank {
                        let f = row[col] / pivot[col];
                        for (x, p) in row.iter_mut().zip(&pivot) {
                            *x -= f * p;
                        }
                    }
                }
                rank += 1;
            }
            rank
        };
        let mut with = equations.to_vec();
        let mut unit = vec![0.0; n];
        unit[k] = 1.0;
        with.push(unit);
        rank(equations) == rank(&with)
    }

    /// The equations of a table with margins over its hidden entries: for every row and every
    /// column of the augmented grid, the cells minus the total are 0.
    fn table_equations(
        grid: &[Vec<i64>],
        hidden: &[Vec<bool>],
    ) -> (Vec<Vec<f64>>, Vec<(usize, usize)>) {
        let unknowns: Vec<(usize, usize)> = (0..grid.len())
            .flat_map(|r| (0..grid[0].len()).map(move |c| (r, c)))
            .filter(|&(r, c)| hidden[r][c])
            .collect();
        let index = |r: usize, c: usize| unknowns.iter().position(|&u| u == (r, c));
        let (last_r, last_c) = (grid.len() - 1, grid[0].len() - 1);
        let mut eqs = Vec::new();
        for r in 0..grid.len() {
            let mut e = vec![0.0; unknowns.len()];
            for c in 0..=last_c {
                if let Some(k) = index(r, c) {
                    e[k] += if c == last_c { -1.0 } else { 1.0 };
                }
            }
            eqs.push(e);
        }
        for c in 0..grid[0].len() {
            let mut e = vec![0.0; unknowns.len()];
            for r in 0..=last_r {
                if let Some(k) = index(r, c) {
                    e[k] += if r == last_r { -1.0 } else { 1.0 };
                }
            }
            eqs.push(e);
        }
        (eqs, unknowns)
    }

    fn full(s: &TableSuppression) -> Vec<Vec<bool>> {
        let mut g: Vec<Vec<bool>> = s
            .cells
            .iter()
            .zip(&s.row_totals)
            .map(|(row, t)| {
                let mut r = row.clone();
                r.push(*t);
                r
            })
            .collect();
        let mut last = s.column_totals.clone();
        last.push(s.total);
        g.push(last);
        g
    }

    fn assert_safe(cells: &[Vec<i64>], threshold: i64) -> TableSuppression {
        let s = suppress_table(cells, threshold);
        let grid = augmented(cells);
        let hidden = full(&s);
        for (r, row) in grid.iter().enumerate() {
            for (c, v) in row.iter().enumerate() {
                if small(*v, threshold) {
                    assert!(hidden[r][c], "{v} at ({r}, {c}) is under the threshold");
                }
            }
        }
        let (eqs, unknowns) = table_equations(&grid, &hidden);
        for k in 0..unknowns.len() {
            assert!(
                !determined(&eqs, k, unknowns.len()),
                "{:?} can be worked out: {cells:?} {hidden:?}",
                unknowns[k]
            );
        }
        s
    }

    #[test]
    fn a_count_of_3_is_hidden_and_cannot_be_worked_out_from_the_totals() {
        // Referrals by service (rows) and answer (accepted, declined, none yet).
        let cells = vec![vec![12, 3, 9], vec![20, 8, 11], vec![7, 6, 15]];
        let s = assert_safe(&cells, 5);
        assert!(s.cells[0][1], "the 3 is hidden");
        // Its row and column each hide another count, so that the 3 is not a difference.
        assert!(s.cells[0].iter().filter(|h| **h).count() >= 2);
        assert!(s.cells.iter().filter(|row| row[1]).count() >= 2);
        // Nothing else than needed: the large counts of other rows and columns stay.
        assert!(!s.cells[1][2] || !s.cells[2][2]);
        assert!(!s.total);
    }

    #[test]
    fn tables_of_every_shape_leave_no_hidden_count_to_work_out() {
        // A pseudo-random set of small tables, zeros and small counts included.
        let mut seed = 7u64;
        let mut next = || {
            seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            (seed >> 33) as i64
        };
        for _ in 0..300 {
            let rows = 1 + (next() % 4) as usize;
            let columns = 1 + (next() % 4) as usize;
            let cells: Vec<Vec<i64>> = (0..rows)
                .map(|_| {
                    (0..columns)
                        .map(|_| [0, 1, 2, 3, 4, 6, 9, 15, 40][(next() % 9) as usize])
                        .collect()
                })
                .collect();
            assert_safe(&cells, 5);
        }
    }

    #[test]
    fn a_table_without_small_counts_hides_nothing() {
        let s = assert_safe(&[vec![12, 30], vec![0, 8]], 5);
        assert!(
            s.cells.iter().flatten().all(|h| !h) && s.row_totals.iter().all(|h| !h) && !s.total
        );
    }

    #[test]
    fn a_list_hides_its_small_counts_and_one_more_or_its_total() {
        let s = suppress_list(&[12, 3, 9, 0], 5);
        assert_eq!(s.values, vec![false, true, true, false], "the 3 and the next smallest");
        assert!(!s.total);
        let s = suppress_list(&[2, 3, 30], 5);
        assert_eq!(s.values, vec![true, true, false], "two small counts hide each other");
        let s = suppress_list(&[3, 0], 5);
        assert_eq!(
            (s.values, s.total),
            (vec![true, false], true),
            "nothing else to hide: the total"
        );
        let s = suppress_list(&[10, 20], 5);
        assert_eq!((s.values, s.total), (vec![false, false], false));
        // A small total of counts all shown would be their sum: they are hidden with it.
        let s = suppress_list(&[1, 1], 5);
        assert_eq!((s.values, s.total), (vec![true, true], true));
    }
}
