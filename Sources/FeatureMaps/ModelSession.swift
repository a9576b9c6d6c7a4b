import Foundation
import FeatureMapsEngine

extension Session {
    /// A session on the user's model file: read and checked (ModelFile.open), fed with
    /// `preprocessing` (default: what ModelFile infers), its classes named by the labels file.
    public static func open(modelPath: String, inputSize: Int?, preprocessing: Preprocessing?, labelsPath: String?) throws -> Session {
        let labels = try labelsPath.map(LabelsFile.read)
        let file = try ModelFile.open(path: modelPath, inputSize: inputSize)
        let session = try Session(model: file, preprocessing: preprocessing, labels: labels)
        try session.checkLabels(labels, file: labelsPath)
        return session
    }

    /// The same session with its classes named by the labels file at `path`.
    public func labelled(by path: String) throws -> Session {
        let labels = try LabelsFile.read(path: path)
        let session: Session
        switch network {
        case .mobileNetV2(let weights, let location):
            session = try Session(weights: weights, location: location, inputSize: inputShape[0], labels: labels)
        case .model(let file):
            session = try Session(model: file, preprocessing: preprocessing, labels: labels)
        }
        try session.checkLabels(labels, file: path)
        return session
    }

    func checkLabels(_ labels: [String]?, file: String?) throws {
        guard let labels, let file else { return }
        guard let classes = self.labels?.count else { throw ModelFileError.labelsWithoutClasses(file: file) }
        guard labels.count == classes else { throw ModelFileError.labelsCount(file: file, count: labels.count, classes: classes) }
    }
}
