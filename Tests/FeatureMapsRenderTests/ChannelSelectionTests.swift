@testable import FeatureMapsRender
import FeatureMapsEngine
import XCTest

final class ChannelSelectionTests: XCTestCase {
    private let means: [Float] = [0.5, 2, -1, 2, 7, 0.5]

    private func resolve(_ selection: ChannelSelection, means: [Float]) throws -> SelectedChannels {
        let statistics = ChannelStatistics.of(TestTensors.constants(3, 3, means))
        return try selection.resolve(statistics: statistics, layer: "test_layer")
    }

    func testFirstTakesLeadingChannels() throws {
        let selected = try resolve(.first(4), means: means)
        XCTAssertEqual(selected.channels, [0, 1, 2, 3])
        XCTAssertFalse(selected.wasClamped)
    }

    func testStrongestOrdersByMeanDescendingTiesByIndex() throws {
        XCTAssertEqual(try resolve(.strongest(6), means: means).channels, [4, 1, 3, 0, 5, 2])
        XCTAssertEqual(try resolve(.strongest(2), means: means).channels, [4, 1])
        XCTAssertEqual(try resolve(.strongest(3), means: [1, 1, 1, 1]).channels, [0, 1, 2])
    }

    func testStrongestUsesTheMeanNotTheMaximum() throws {
        // Channel 0: one spike of 9 among zeros (mean 1); channel 1: 2 everywhere (mean 2).
        let map = TestTensors.make(3, 3, 2) { y, x, c in c == 1 ? 2 : (y == 1 && x == 1 ? 9 : 0) }
        let selected = try ChannelSelection.strongest(2).resolve(statistics: ChannelStatistics.of(map), layer: "l")
        XCTAssertEqual(selected.channels, [1, 0])
    }

    func testCountsAboveTheLayerAreClampedAndReported() throws {
        let first = try resolve(.first(40), means: means)
        XCTAssertEqual(first.channels, [0, 1, 2, 3, 4, 5])
        XCTAssertEqual(first.requested, 40)
        XCTAssertTrue(first.wasClamped)
        let strongest = try resolve(.strongest(10), means: means)
        XCTAssertEqual(strongest.channels, [4, 1, 3, 0, 5, 2])
        XCTAssertTrue(strongest.wasClamped)
    }

    func testListKeepsOrderAndRejectsMissingChannels() throws {
        XCTAssertEqual(try resolve(.list([5, 0, 2]), means: means).channels, [5, 0, 2])
        XCTAssertThrowsError(try resolve(.list([1, 6]), means: means)) {
            XCTAssertEqual($0 as? RenderError, .channelOutOfRange(channel: 6, layer: "test_layer", channelCount: 6))
        }
        XCTAssertThrowsError(try resolve(.list([]), means: means)) {
            XCTAssertEqual($0 as? RenderError, .emptyChannelList)
        }
    }

    func testNonPositiveCountsAreErrors() {
        for selection in [ChannelSelection.first(0), .strongest(-2)] {
            XCTAssertThrowsError(try resolve(selection, means: means)) {
                XCTAssertNotNil($0 as? RenderError)
            }
        }
    }

    func testStatisticsSkipNonFiniteValues() {
        let values: [Float] = [1, .nan, 3, .infinity, -.infinity, 5]
        let map = Tensor(height: 2, width: 3, channels: 1, data: values)
        let s = ChannelStatistics.of(map)[0]
        XCTAssertEqual(s, ChannelStatistics(min: 1, max: 5, mean: 3, finiteCount: 3))
        let empty = ChannelStatistics.of(Tensor(height: 1, width: 2, channels: 1, data: [.nan, .nan]))[0]
        XCTAssertEqual(empty, ChannelStatistics(min: 0, max: 0, mean: 0, finiteCount: 0))
        XCTAssertTrue(empty.isConstant)
    }

    func testSummaries() {
        XCTAssertEqual(ChannelSelection.standard, .first(16))
        XCTAssertEqual(ChannelSelection.first(16).summary, "first 16")
        XCTAssertEqual(ChannelSelection.strongest(6).summary, "strongest 6")
        XCTAssertEqual(ChannelSelection.list([0, 5, 9, 10, 11, 12]).summary, "list 0,5,9-12")
    }

    func testSelectionFromCommandOptions() throws {
        XCTAssertEqual(try ChannelSelection(count: nil, list: nil), .first(16))
        XCTAssertEqual(try ChannelSelection(count: 8, list: nil, mode: .strongest), .strongest(8))
        XCTAssertEqual(try ChannelSelection(count: nil, list: "0,5,9-12"), .list([0, 5, 9, 10, 11, 12]))
        XCTAssertEqual(SelectionMode(rawValue: "strongest"), .strongest)
        let bad: [(Int?, String?, SelectionMode, RenderError)] = [
            (4, "1,2", .first, .channelListWithCount(4)),
            (nil, "1,2", .strongest, .channelListWithStrongest),
            (0, nil, .first, .channelCountNotPositive(0)),
            (nil, "1-", .first, .invalidChannelListItem(item: "1-", list: "1-")),
        ]
        for (count, list, mode, expected) in bad {
            XCTAssertThrowsError(try ChannelSelection(count: count, list: list, mode: mode)) {
                XCTAssertEqual($0 as? RenderError, expected)
            }
        }
    }
}
