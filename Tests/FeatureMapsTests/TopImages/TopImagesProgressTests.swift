import XCTest
@testable import FeatureMaps

// The progress bar's text: bar, counts, rate and ETA from counts and seconds.
final class TopImagesProgressTests: XCTestCase {
    func testLine() {
        XCTAssertEqual(
            TopImagesProgress.line(done: 500, total: 2000, seconds: 2, width: 8), "  [##------]  500/2000 images  250.0 images/s  ETA 0:06")
        XCTAssertEqual(TopImagesProgress.line(done: 0, total: 10, seconds: 0, width: 4), "  [----]  0/10 images  - images/s  ETA --:--")
        XCTAssertEqual(TopImagesProgress.line(done: 10, total: 10, seconds: 4, width: 4), "  [####]  10/10 images  2.5 images/s  ETA 0:00")
        XCTAssertEqual(TopImagesProgress.line(done: 1, total: 7201, seconds: 1, width: 4), "  [----]  1/7201 images  1.0 images/s  ETA 2:00:00")
        XCTAssertEqual(TopImagesProgress.line(done: 3, total: 100, seconds: 1, width: 4).suffix(8), "ETA 0:33", "rounds the ETA up")
    }

    func testClock() {
        XCTAssertEqual(TopImagesProgress.clock(0), "0:00")
        XCTAssertEqual(TopImagesProgress.clock(59.2), "1:00")
        XCTAssertEqual(TopImagesProgress.clock(3599), "59:59")
        XCTAssertEqual(TopImagesProgress.clock(3661), "1:01:01")
    }
}
