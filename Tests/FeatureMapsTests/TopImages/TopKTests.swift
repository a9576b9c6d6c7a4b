import XCTest
@testable import FeatureMaps

// TopK keeps the k best entries by value, ties to the earlier image, whatever the offer order;
// TopImagesScore's max and mean and the position of the maximum; the CSV's exact bytes.
final class TopKTests: XCTestCase {
    func testKeepsTheBestKWithTiesToTheEarlierImageInAnyOfferOrder() {
        let values: [Float] = [3, 7, 7, 1, 9, 7, .nan, 2, 9]
        let entries = values.enumerated().map { TopEntry(value: $1, order: $0, mapY: 0, mapX: $0) }
        var forward = TopK(k: 4), backward = TopK(k: 4)
        entries.forEach { forward.offer($0) }
        entries.reversed().forEach { backward.offer($0) }
        XCTAssertEqual(forward.entries.map(\.order), [4, 8, 1, 2])
        XCTAssertEqual(forward, backward)
    }

    func testScoreMaxMeanAndThePositionOfTheFirstMaximum() {
        // (2, 3, 2): channel 1 holds 0, 5, 1 / 5, 2, 3 -> max 5 first at (0, 1), mean 16 / 6.
        let data: [Float] = [9, 0, 9, 5, 9, 1, 9, 5, 9, 2, 9, 3]
        let m = TopImagesScore.max.score(data, height: 2, width: 3, channels: 2, channel: 1)
        XCTAssertEqual(m.value, 5)
        XCTAssertEqual([m.y, m.x], [0, 1])
        XCTAssertEqual(TopImagesScore.mean.score(data, height: 2, width: 3, channels: 2, channel: 1).value, Float(16.0 / 6.0))
    }

    func testCSVLines() {
        let row = TopImageRow(
            channel: 3, rank: 1, image: "a,b.png", order: 0, value: 0.1, mapY: 2, mapX: 5,
            box: .init(rows: 0..<19, cols: 4..<23))
        XCTAssertEqual(TopImagesTable.csv([row]), TopImagesTable.header + "\n3,1,\"a,b.png\",0.100000001,2,5,0,19,4,23\n")
    }
}
