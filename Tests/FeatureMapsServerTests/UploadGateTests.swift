import Synchronization
import XCTest

@testable import FeatureMapsServer

/// The gate lets at most `limit` bodies run at once and every waiting one through in the end.
final class UploadGateTests: XCTestCase {
    final class Counts: Sendable {
        let state = Mutex((now: 0, peak: 0, done: 0))
    }

    func testAtMostLimitRunAtOnceAndAllFinish() async throws {
        let gate = UploadGate(limit: 3)
        let counts = Counts()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<40 {
                group.addTask {
                    try await gate.run {
                        counts.state.withLock { c in
                            c.now += 1
                            c.peak = max(c.peak, c.now)
                        }
                        try await Task.sleep(nanoseconds: 2_000_000)
                        counts.state.withLock { c in
                            c.now -= 1
                            c.done += 1
                        }
                    }
                }
            }
            try await group.waitForAll()
        }
        let c = counts.state.withLock { $0 }
        XCTAssertEqual(c.done, 40)
        XCTAssertEqual(c.peak, 3, "the gate let \(c.peak) run at once")
    }

    func testAThrowingBodyFreesItsPlace() async throws {
        let gate = UploadGate(limit: 1)
        struct Boom: Error {}
        do {
            try await gate.run { throw Boom() }
            XCTFail("the body's error was lost")
        } catch is Boom {}
        let value = try await gate.run { 7 }
        XCTAssertEqual(value, 7)
    }
}
