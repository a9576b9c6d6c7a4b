import Foundation
import XCTest
import FeatureMaps
import FeatureMapsEngine

/// The four photos of ../shared/images through the whole pipeline (decode, PIL-style bilinear
/// resize to 224, preprocess, network), against the top-1 classes of ../shared/README.md and the
/// probabilities Keras gave with PIL's resize (Fixtures/reference/real_1.0/photos.json).
final class RealPhotoTests: XCTestCase {
    func testSharedPhotosGetTheirKerasTop1() throws {
        let weights = try Fixtures.sharedFile("weights/mobilenet_v2_1.0_224_dequantized.h5")
        let session = try Session.open(weightsFlag: weights)
        let expected: [String: (index: Int, wnid: String, label: String)] = [
            "cat.png": (285, "n02124075", "Egyptian cat"),
            "bird.png": (19, "n01592084", "chickadee"),
            "grace_hopper.jpg": (652, "n03763968", "military uniform"),
            "parrot.jpg": (88, "n01818515", "macaw"),
        ]
        let keras = try XCTUnwrap(try Fixtures.json("Fixtures/reference/real_1.0/photos.json")["photos"] as? [[String: Any]])
        for (file, want) in expected.sorted(by: { $0.key < $1.key }) {
            let path = try Fixtures.sharedFile("images/" + file)
            let top = try session.classify(try session.prepare(imageAt: path), top: 5)
            XCTAssertEqual(top[0].classIndex, want.index, "\(file): top-1")
            XCTAssertEqual(top[0].imageNetClass?.wordNetID, want.wnid, "\(file): WordNet id")
            XCTAssertEqual(top[0].imageNetClass?.label, want.label, "\(file): label")
            let reference = try XCTUnwrap(keras.first { ($0["image"] as? String)?.hasSuffix(file) == true })
            // Keras's top 5 (classes and probabilities) within the README's 2e-5: Debian's libjpeg
            // and Pillow's decode these photos to the same pixels, and the resize is PIL's filter.
            let kerasTop = try XCTUnwrap(reference["top5"] as? [[String: Any]])
            XCTAssertEqual(top.map(\.classIndex), kerasTop.compactMap { $0["index"] as? Int }, "\(file): top-5 classes")
            for (ours, theirs) in zip(top, kerasTop) {
                let p = try XCTUnwrap(theirs["probability"] as? Double)
                XCTAssertEqual(Double(ours.probability), p, accuracy: 2e-5, "\(file): probability of class \(ours.classIndex) vs Keras")
            }
            let kerasP = try XCTUnwrap(kerasTop[0]["probability"] as? Double)
            print("photo \(file): \(top[0].imageNetClass?.label ?? "?") \(top[0].probability) (Keras \(kerasP))")
        }
    }
}
