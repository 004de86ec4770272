//! Parts of the shared stack that a test counts or orders as a whole.

use crate::*;

/// Every test shares one stack, and most isolate themselves with their own patients. A few
/// assert something about a whole shared collection (the exact change of a staff inbox's
/// counts): such a test holds that part [`TestApp::exclusive`]ly, and every test that writes to
/// it holds it [`TestApp::shared`] for its whole run. Writers still run in parallel with each
/// other; the counting test waits for them to finish, and they wait for it.
///
/// A part is any name (`inbox:portal-help`). Hold at most one part per test, so no two tests
/// can wait for each other.
static PARTS: std::sync::Mutex<Vec<(String, std::sync::Arc<tokio::sync::RwLock<()>>)>> =
    std::sync::Mutex::new(Vec::new());

thread_local! {
    /// The parts the test running on this thread holds (`#[tokio::test]` runs a test's future
    /// on its own thread), so a helper can check that its caller holds the part it writes to.
    static HELD: std::cell::RefCell<Vec<String>> = const { std::cell::RefCell::new(Vec::new()) };
}

fn part_lock(part: &str) -> std::sync::Arc<tokio::sync::RwLock<()>> {
    let mut parts = PARTS
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    if let Some((_, lock)) = parts.iter().find(|(name, _)| name == part) {
        return lock.clone();
    }
    let lock = std::sync::Arc::new(tokio::sync::RwLock::new(()));
    parts.push((part.to_owned(), lock.clone()));
    lock
}

/// Whether the test running on this thread holds `part` (shared or exclusively).
pub fn holds(part: &str) -> bool {
    HELD.with(|held| held.borrow().iter().any(|name| name == part))
}

/// A part held by one test alone; released when dropped.
pub struct Exclusive {
    part: String,
    _guard: tokio::sync::OwnedRwLockWriteGuard<()>,
}

/// A part held together with the other tests that write to it; released when dropped.
pub struct Shared {
    part: String,
    _guard: tokio::sync::OwnedRwLockReadGuard<()>,
}

fn release(part: &str) {
    HELD.with(|held| {
        let mut held = held.borrow_mut();
        if let Some(index) = held.iter().position(|name| name == part) {
            held.remove(index);
        }
    });
}

impl Drop for Exclusive {
    fn drop(&mut self) {
        release(&self.part);
    }
}

impl Drop for Shared {
    fn drop(&mut self) {
        release(&self.part);
    }
}

impl TestApp {
    /// Holds `part` alone until the guard is dropped: for a test that counts or orders the
    /// whole part.
    pub async fn exclusive(&self, part: &str) -> Exclusive {
        let guard = part_lock(part).write_owned().await;
        HELD.with(|held| held.borrow_mut().push(part.to_owned()));
        Exclusive {
            part: part.to_owned(),
            _guard: guard,
        }
    }

    /// Holds `part` together with the other writers until the guard is dropped: for a test
    /// that writes to a part another test counts.
    pub async fn shared(&self, part: &str) -> Shared {
        let guard = part_lock(part).read_owned().await;
        HELD.with(|held| held.borrow_mut().push(part.to_owned()));
        Shared {
            part: part.to_owned(),
            _guard: guard,
        }
    }
}
