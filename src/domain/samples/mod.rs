//! Sample data for a first look, and (behind the `bench` feature) the synthetic scale
//! data of the benchmark.

pub mod sample;
pub mod sample_leads;
pub mod sample_sales;
// Benchmark and profiling data only: never in a release build.
#[cfg(any(test, feature = "bench"))]
pub mod scale_data;
