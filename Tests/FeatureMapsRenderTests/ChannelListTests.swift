import FeatureMapsRender
import XCTest

final class ChannelListTests: XCTestCase {
    func testParsesNumbersAndRangesInOrder() throws {
        XCTAssertEqual(try ChannelList.parse("0,5,9-12"), [0, 5, 9, 10, 11, 12])
        XCTAssertEqual(try ChannelList.parse("7"), [7])
        XCTAssertEqual(try ChannelList.parse("12,3-4,0"), [12, 3, 4, 0])
        XCTAssertEqual(try ChannelList.parse("4-4"), [4])
    }

    func testIgnoresSpacesAndKeepsFirstOfRepeats() throws {
        XCTAssertEqual(try ChannelList.parse(" 1 , 9 - 11 ,2 "), [1, 9, 10, 11, 2])
        XCTAssertEqual(try ChannelList.parse("3,1-4,3"), [3, 1, 2, 4])
    }

    func testChecksRangeWhenChannelCountGiven() throws {
        XCTAssertEqual(try ChannelList.parse("0,95", channelCount: 96), [0, 95])
        XCTAssertThrowsError(try ChannelList.parse("0,90-96", channelCount: 96, layer: "block_1_expand_relu")) {
            XCTAssertEqual(
                $0 as? RenderError,
                .channelOutOfRange(channel: 96, layer: "block_1_expand_relu", channelCount: 96))
            let message = $0.localizedDescription
            XCTAssertTrue(message.contains("channel 96"), message)
            XCTAssertTrue(message.contains("0-95"), message)
        }
    }

    func testRejectsBadSyntaxNamingTheItem() {
        let cases: [(String, RenderError)] = [
            ("", .emptyChannelList),
            (" , ", .emptyChannelList),
            ("0,,5", .invalidChannelListItem(item: "", list: "0,,5")),
            ("a", .invalidChannelListItem(item: "a", list: "a")),
            ("1,x3", .invalidChannelListItem(item: "x3", list: "1,x3")),
            ("1-", .invalidChannelListItem(item: "1-", list: "1-")),
            ("-3", .invalidChannelListItem(item: "-3", list: "-3")),
            ("1-2-3", .invalidChannelListItem(item: "1-2-3", list: "1-2-3")),
            ("1.5", .invalidChannelListItem(item: "1.5", list: "1.5")),
            ("+4", .invalidChannelListItem(item: "+4", list: "+4")),
            ("12-9", .backwardsChannelRange(from: 12, to: 9)),
            ("70000", .channelNumberTooLarge(number: "70000", limit: 65_535)),
            ("0-99999999999999999999999", .channelNumberTooLarge(number: "99999999999999999999999", limit: 65_535)),
        ]
        for (text, expected) in cases {
            XCTAssertThrowsError(try ChannelList.parse(text), "parsing '\(text)'") {
                XCTAssertEqual($0 as? RenderError, expected, "parsing '\(text)'")
            }
        }
    }

    func testMessagesSayWhatToDo() {
        let backwards = RenderError.backwardsChannelRange(from: 12, to: 9).localizedDescription
        XCTAssertEqual(backwards, "the channel range 12-9 runs backwards; write it as 9-12")
        let item = RenderError.invalidChannelListItem(item: "x3", list: "1,x3").localizedDescription
        XCTAssertTrue(item.contains("'x3'") && item.contains("0,5,9-12"), item)
    }

    func testDescribeIsTheInverseOfParse() throws {
        XCTAssertEqual(ChannelList.describe([0, 5, 9, 10, 11, 12]), "0,5,9-12")
        XCTAssertEqual(ChannelList.describe([3, 4]), "3,4")
        XCTAssertEqual(ChannelList.describe([7, 6, 5]), "7,6,5")
        XCTAssertEqual(ChannelList.describe([]), "")
        for list in ["0,5,9-12", "3,4,100-200,7", "1"] {
            XCTAssertEqual(ChannelList.describe(try ChannelList.parse(list)), list)
        }
    }
}
