import Foundation
import Synchronization
import FeatureMapsSupport

// The engine's own worker threads. Between the tasks of a forward pass, and for 300 us after them
// (longer than the gap between two passes), a worker polls an atomic (waking it through the kernel
// costs as much as a small layer), then parks on a condition variable, so idle threads do not
// steal the core from other processes for long.
//
// Determinism: a caller splits its work into tasks that depend only on the shapes, never on the
// number of threads; which thread runs a task changes nothing in its result.
//
// Locality: thread t first takes the tasks of its own contiguous share (t/T to (t+1)/T of the
// task list), then helps with the others' shares. Consecutive layers split their rows alike, so a
// thread mostly reads the rows it wrote in the layer before, still in its own L2.

/// Runs `parallelFor` task sets on `threads - 1` workers plus the calling thread.
final class ThreadPool {
    let threads: Int
    private let shared: PoolState

    /// `threads` >= 1; 1 means every task runs on the calling thread.
    init(threads: Int) {
        guard threads >= 1 else { fatalError("ThreadPool needs at least one thread, got \(threads)") }
        self.threads = threads
        shared = PoolState(threads: threads)
        for me in 1..<threads {
            let state = shared
            let thread = Thread { state.workerLoop(me) }
            thread.stackSize = 1 << 20
            thread.start()
        }
    }

    deinit { shared.stop() }

    /// Runs `body(0)` ... `body(count - 1)`, each exactly once, across the pool; returns when all are done.
    /// Tasks must write disjoint memory.
    func parallelFor(_ count: Int, _ body: (Int) -> Void) {
        if threads == 1 || count <= 1 {
            for i in 0..<count { body(i) }
            return
        }
        withoutActuallyEscaping(body) { shared.run(count, $0) }
    }
}

/// What the workers share with the caller. `generation` is even when a task set is published and
/// odd while the caller writes the next one; a worker counts itself `busy` before reading it.
/// `@unchecked Sendable` for `body` and the pthread objects, which are not Sendable types. `body` is
/// written by the caller only while no worker can read it: before publishing (generation odd, after
/// `busy` fell to zero) and after every task finished (`pending` zero, when a worker's claim finds
/// no task and so reads no `body`); all of these are sequentially consistent atomics. The mutex and
/// the condition are pthread objects made for sharing between threads.
private final class PoolState: @unchecked Sendable {
    private let generation = Atomic<Int>(0)
    private let busy = Atomic<Int>(0)
    private let pending = Atomic<Int>(0)
    /// Thread t's share of the current task set: tasks next..<end (next may run past end).
    private final class Share: Sendable {
        let next = Atomic<Int>(0)
        let end = Atomic<Int>(0)
    }
    private let shares: [Share]
    private let stopping = Atomic<Bool>(false)
    /// Workers parked (or about to park) on the condition variable: the caller signals only then.
    private let sleeping = Atomic<Int>(0)
    private var body: ((Int) -> Void)?
    private let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    private let condition = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)
    /// Polls of `pending` by the caller before it starts yielding its core (about 20-50 us).
    private static let spinLimit = 20_000
    /// How long an idle worker polls for the next task set before it parks: 300 us, longer than the
    /// gap between two passes. Measured with 2 threads (300 passes, 3 alternating runs): Conv1 took
    /// 0.13-0.16 ms per pass when workers parked after about 20 us, 0.10-0.12 ms with 300 us; the
    /// whole pass 1.91-2.16 ms against 1.85-1.97 ms. 1 ms gained nothing more.
    private static let workerSpinNanoseconds: UInt64 = 300_000

    init(threads: Int) {
        shares = (0..<threads).map { _ in Share() }
        pthread_mutex_init(mutex, nil)
        pthread_cond_init(condition, nil)
    }

    deinit {
        pthread_cond_destroy(condition)
        pthread_mutex_destroy(mutex)
        condition.deallocate()
        mutex.deallocate()
    }

    func run(_ count: Int, _ body: @escaping (Int) -> Void) {
        let g = generation.add(1, ordering: .sequentiallyConsistent).newValue  // odd: writing
        while busy.load(ordering: .sequentiallyConsistent) != 0 {}
        self.body = body
        let threads = shares.count
        for (t, share) in shares.enumerated() {
            share.next.store(t * count / threads, ordering: .sequentiallyConsistent)
            share.end.store((t + 1) * count / threads, ordering: .sequentiallyConsistent)
        }
        pending.store(count, ordering: .sequentiallyConsistent)
        generation.store(g + 1, ordering: .sequentiallyConsistent)  // even: published
        // A worker counts itself in `sleeping` before its last look at `generation` (both sequentially
        // consistent): either it sees this task set, or this load sees it and wakes it.
        if sleeping.load(ordering: .sequentiallyConsistent) > 0 {
            pthread_mutex_lock(mutex)
            pthread_cond_broadcast(condition)
            pthread_mutex_unlock(mutex)
        }
        runTasks(0)
        var spins = 0
        while pending.load(ordering: .sequentiallyConsistent) != 0 {
            spins += 1
            if spins > Self.spinLimit { sched_yield() }
        }
        self.body = nil
    }

    /// Thread `me`'s own share first, then the others' in turn.
    private func runTasks(_ me: Int) {
        let threads = shares.count
        for k in 0..<threads {
            let share = shares[(me + k) % threads]
            while true {
                let i = share.next.add(1, ordering: .sequentiallyConsistent).oldValue
                if i >= share.end.load(ordering: .sequentiallyConsistent) { break }
                body!(i)
                pending.subtract(1, ordering: .sequentiallyConsistent)
            }
        }
    }

    private func published(after seen: Int) -> Bool {
        let g = generation.load(ordering: .sequentiallyConsistent)
        return g != seen && g % 2 == 0
    }

    func workerLoop(_ me: Int) {
        var seen = 0
        while true {
            let parkAt = MonotonicClock.nanoseconds() + Self.workerSpinNanoseconds
            var spins = 0
            while !published(after: seen) && !stopping.load(ordering: .relaxed) {
                spins &+= 1
                if spins & 255 == 0 && MonotonicClock.nanoseconds() > parkAt { break }
            }
            if !published(after: seen) {
                pthread_mutex_lock(mutex)
                sleeping.add(1, ordering: .sequentiallyConsistent)
                while !published(after: seen) && !stopping.load(ordering: .sequentiallyConsistent) {
                    pthread_cond_wait(condition, mutex)
                }
                sleeping.subtract(1, ordering: .sequentiallyConsistent)
                pthread_mutex_unlock(mutex)
            }
            if stopping.load(ordering: .sequentiallyConsistent) { return }
            busy.add(1, ordering: .sequentiallyConsistent)
            let g = generation.load(ordering: .sequentiallyConsistent)
            if g % 2 == 0 && g != seen {
                seen = g
                runTasks(me)
            }
            busy.subtract(1, ordering: .sequentiallyConsistent)
        }
    }


    func stop() {
        stopping.store(true, ordering: .sequentiallyConsistent)
        pthread_mutex_lock(mutex)
        pthread_cond_broadcast(condition)
        pthread_mutex_unlock(mutex)
    }
}
