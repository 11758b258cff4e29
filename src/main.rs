#[cfg(target_arch = "wasm32")]
fn main() {
    crm::ui::start();
}

// The app only runs in the browser; natively the crate is a library for tests.
#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!("Build for the browser with trunk; see README.md.");
}
