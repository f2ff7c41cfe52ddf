//! Argon2id cost per sign-in with the production parameters (`HashParams::OWASP`: 19 MiB,
//! t = 2, p = 1): one `verify_password` (what every sign-in pays, right or wrong password, and
//! unknown accounts against the dummy hash), and one `hash_password` (setting a password) for
//! reference. Plain `std::time::Instant`, no harness:
//!
//!   cargo bench -p domain --bench passwords              # 3 runs of 50 verifications each
//!   BENCH_RUNS=5 BENCH_N=100 cargo bench -p domain --bench passwords
//!
//! Without `--bench` (as `cargo test --benches` runs it) it does one of each, as a smoke test.

use std::hint::black_box;
use std::time::{Duration, Instant};

use domain::passwords::{HashParams, hash_password, verify_password};

const PASSWORD: &str = "passerelle-demo";

fn env_usize(name: &str, default: usize) -> usize {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// The value at quantile `q` (nearest rank) of sorted samples.
fn quantile(sorted: &[f64], q: f64) -> f64 {
    let rank = ((q * sorted.len() as f64).ceil() as usize).clamp(1, sorted.len());
    sorted[rank - 1]
}

struct Summary {
    median: f64,
    p95: f64,
    min: f64,
    max: f64,
}

fn summarise(samples: &mut [f64]) -> Summary {
    samples.sort_by(f64::total_cmp);
    Summary {
        median: quantile(samples, 0.5),
        p95: quantile(samples, 0.95),
        min: samples[0],
        max: samples[samples.len() - 1],
    }
}

fn time_n(n: usize, mut f: impl FnMut()) -> Vec<f64> {
    (0..n)
        .map(|_| {
            let start = Instant::now();
            f();
            ms(start.elapsed())
        })
        .collect()
}

fn main() {
    let full = std::env::args().any(|a| a == "--bench");
    let (runs, n) =
        if full { (env_usize("BENCH_RUNS", 3), env_usize("BENCH_N", 50)) } else { (1, 1) };
    let params = HashParams::OWASP;
    println!(
        "Argon2id m={} KiB, t={}, p={}: {runs} run(s) of {n} operations each",
        params.memory_kib, params.iterations, params.parallelism
    );
    let stored = hash_password(PASSWORD, params);
    assert!(verify_password(PASSWORD, &stored), "the hash verifies");
    assert!(!verify_password("wrong-password", &stored));
    // Warm-up: page in the 19 MiB block, settle the CPU frequency.
    for _ in 0..if full { 3 } else { 0 } {
        black_box(verify_password(PASSWORD, &stored));
    }

    let mut medians: Vec<(&str, Vec<f64>)> = vec![
        ("verify, right password", vec![]),
        ("verify, wrong password", vec![]),
        ("hash", vec![]),
    ];
    for run in 1..=runs {
        let mut right = time_n(n, || assert!(verify_password(black_box(PASSWORD), &stored)));
        let mut wrong =
            time_n(n, || assert!(!verify_password(black_box("wrong-password"), &stored)));
        let mut hash = time_n(n.div_ceil(5), || {
            black_box(hash_password(black_box(PASSWORD), params));
        });
        for (i, samples) in [&mut right, &mut wrong, &mut hash].into_iter().enumerate() {
            let s = summarise(samples);
            println!(
                "run {run}: {:<24} median {:6.2} ms  p95 {:6.2} ms  min {:6.2}  max {:6.2}  (n={})",
                medians[i].0,
                s.median,
                s.p95,
                s.min,
                s.max,
                samples.len()
            );
            medians[i].1.push(s.median);
        }
    }
    println!("over {runs} run(s), median of the run medians (min - max of the run medians):");
    for (name, mut m) in medians {
        let s = summarise(&mut m);
        println!("  {name:<24} {:6.2} ms  ({:.2} - {:.2} ms)", s.median, s.min, s.max);
    }
}
