import Foundation

/// The text of `top-images`' progress bar (the command draws it on a terminal's stderr):
///   "  [#######-----------------------]  480/2000 images  251.3 images/s  ETA 0:06"
/// Rate = done / seconds; ETA = (total - done) / rate as m:ss (h:mm:ss from an hour), "--:--"
/// before the first image or the first tick of the clock. Pure: the same numbers give the same text.
public enum TopImagesProgress {
    public static func line(done: Int, total: Int, seconds: Double, width: Int = 30) -> String {
        let fraction = total > 0 ? min(1, max(0, Double(done) / Double(total))) : 1
        let filled = Int(fraction * Double(width))
        let bar = "[" + String(repeating: "#", count: filled) + String(repeating: "-", count: width - filled) + "]"
        let rate = seconds > 0 && done > 0 ? Double(done) / seconds : nil
        let rateText = rate.map { String(format: "%.1f images/s", $0) } ?? "- images/s"
        let eta = rate.map { clock(Double(max(0, total - done)) / $0) } ?? "--:--"
        return "  \(bar)  \(done)/\(total) images  \(rateText)  ETA \(eta)"
    }

    /// Whole seconds, rounded up, as m:ss or h:mm:ss.
    static func clock(_ seconds: Double) -> String {
        let s = Int(min(seconds, 1e9).rounded(.up))
        return s >= 3600 ? String(format: "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60) : String(format: "%d:%02d", s / 60, s % 60)
    }
}
