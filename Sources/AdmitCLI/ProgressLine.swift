import Admit
import Foundation

/// A one-line progress report on standard error, rewritten in place (only used on a terminal).
final class ProgressLine {
    private var lastDraw: ContinuousClock.Instant?
    private var drawn = false

    /// Redraws at most ten times a second: rows, rows per second, and with a known size the share done and the time left.
    func update(_ progress: RegistrationProgress) {
        let now = ContinuousClock.now
        if let lastDraw, now - lastDraw < .milliseconds(100) { return }
        lastDraw = now
        let seconds = progress.elapsed.seconds
        let rate = seconds > 0 ? Double(progress.rows) / seconds : 0
        var text = "\(TextReport.grouped(progress.rows)) rows · \(TextReport.grouped(Int(rate))) rows/s"
        if let total = progress.totalBytes, total > 0, progress.bytes > 0 {
            let share = min(1, Double(progress.bytes) / Double(total))
            let left = share > 0 ? seconds * (1 - share) / share : 0
            text += " · \(Int(share * 100))% · about \(Int(left.rounded(.up)))s left"
        }
        FileHandle.standardError.write(Data(("\r\u{1B}[2K" + text).utf8))
        drawn = true
    }

    /// Erases the line.
    func clear() {
        if drawn { FileHandle.standardError.write(Data("\r\u{1B}[2K".utf8)) }
    }
}
