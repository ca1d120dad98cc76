//! Values computed once per run and shared by every stage that asks for them.
//!
//! The engine knows nothing about images or packages. A stage crate defines a type
//! (say, the opened image) and asks for it with [`SharedFacts::get_or_try_init`]; the
//! first stage to ask computes it, concurrent askers wait for that one computation,
//! and everyone after gets the same `Arc`. A failed computation is not cached, so the
//! next stage tries again and reports its own error.

use std::any::{Any, TypeId};
use std::collections::HashMap;
use std::future::Future;
use std::sync::{Arc, Mutex};

use tokio::sync::OnceCell;

type Slot = Arc<OnceCell<Arc<dyn Any + Send + Sync>>>;

/// A type-keyed store of shared, lazily computed values.
#[derive(Clone, Default)]
pub struct SharedFacts {
    slots: Arc<Mutex<HashMap<TypeId, Slot>>>,
}

impl SharedFacts {
    /// The shared value of type `T`, computing it with `init` if nobody has yet.
    pub async fn get_or_try_init<T, E, F, Fut>(&self, init: F) -> Result<Arc<T>, E>
    where
        T: Any + Send + Sync,
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<T, E>>,
    {
        let slot = {
            let mut slots = self.slots.lock().unwrap_or_else(|e| e.into_inner());
            slots.entry(TypeId::of::<T>()).or_default().clone()
        };
        let value = slot
            .get_or_try_init(|| async {
                init()
                    .await
                    .map(|v| Arc::new(v) as Arc<dyn Any + Send + Sync>)
            })
            .await?;
        Ok(value
            .clone()
            .downcast::<T>()
            .unwrap_or_else(|_| unreachable!("slots are keyed by TypeId")))
    }

    /// The shared value of type `T`, created with `T::default()` if nobody has yet
    /// (synchronous: for registries that stages fill before the run starts).
    pub fn get_or_default<T: Any + Send + Sync + Default>(&self) -> Arc<T> {
        let slot = {
            let mut slots = self.slots.lock().unwrap_or_else(|e| e.into_inner());
            slots.entry(TypeId::of::<T>()).or_default().clone()
        };
        if slot.get().is_none() {
            // Losing a race to another setter is fine: its value is the one everyone sees.
            let _ = slot.set(Arc::new(T::default()));
        }
        let value = slot.get().cloned().expect("set above");
        value
            .downcast::<T>()
            .unwrap_or_else(|_| unreachable!("slots are keyed by TypeId"))
    }

    /// The shared value of type `T` if it has been computed.
    pub fn get<T: Any + Send + Sync>(&self) -> Option<Arc<T>> {
        let slots = self.slots.lock().unwrap_or_else(|e| e.into_inner());
        let value = slots.get(&TypeId::of::<T>())?.get()?.clone();
        value.downcast::<T>().ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    #[tokio::test]
    async fn computes_once_for_concurrent_askers() {
        let facts = SharedFacts::default();
        let calls = Arc::new(AtomicUsize::new(0));
        let ask = || {
            let facts = facts.clone();
            let calls = calls.clone();
            async move {
                facts
                    .get_or_try_init::<String, (), _, _>(|| async move {
                        calls.fetch_add(1, Ordering::SeqCst);
                        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
                        Ok("image".to_string())
                    })
                    .await
                    .unwrap()
            }
        };
        let (a, b) = tokio::join!(ask(), ask());
        assert!(Arc::ptr_eq(&a, &b));
        assert_eq!(calls.load(Ordering::SeqCst), 1);
        assert_eq!(
            facts.get::<String>().as_deref().map(String::as_str),
            Some("image")
        );
    }

    #[test]
    fn get_or_default_creates_once() {
        let facts = SharedFacts::default();
        let a = facts.get_or_default::<std::sync::Mutex<Vec<u8>>>();
        a.lock().unwrap().push(1);
        let b = facts.get_or_default::<std::sync::Mutex<Vec<u8>>>();
        assert!(Arc::ptr_eq(&a, &b));
        assert_eq!(*b.lock().unwrap(), vec![1]);
    }

    #[tokio::test]
    async fn failures_are_not_cached() {
        let facts = SharedFacts::default();
        let first = facts
            .get_or_try_init::<u32, &str, _, _>(|| async { Err("boom") })
            .await;
        assert!(first.is_err());
        let second = facts
            .get_or_try_init::<u32, &str, _, _>(|| async { Ok(7) })
            .await;
        assert_eq!(*second.unwrap(), 7);
    }
}
