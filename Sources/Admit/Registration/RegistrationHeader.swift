import AdmitDomain
import Foundation

/// A CSV header row checked against the registration columns.
///
/// Every problem is reported, compiler-style, before any row is read: an unknown column (with a
/// suggestion), a column named twice (after trimming and ignoring ASCII case), a column without
/// a name, and a missing `email` column. A column named `error` (what a rejects file adds) is
/// ignored.
struct RegistrationHeader {
    /// The header cells as the file has them.
    let cells: [String]
    /// For each field position, the column it fills; nil for the ignored `error` column.
    let columns: [RegistrationColumn?]
    /// The position of the ignored `error` column, if there is one.
    let errorColumn: Int?

    init(cells: [String], path: String, line: Int) throws(AdmitError) {
        var columns: [RegistrationColumn?] = []
        var errorColumn: Int?
        var firstPosition: [String: Int] = [:]
        var problems: [String] = []
        func problem(_ position: Int, _ message: String) {
            problems.append("\(path):\(line):\(position + 1): error: \(message)")
        }
        for (position, cell) in cells.enumerated() {
            let name = cell.trimmingWhitespace().lowercasedASCII()
            if let first = firstPosition[name] {
                problem(position, "column '\(name)' appears twice (columns \(first + 1) and \(position + 1))")
            } else if !name.isEmpty {
                firstPosition[name] = position
            }
            if name.isEmpty {
                problem(position, "column \(position + 1) has no name")
                columns.append(nil)
            } else if name == RegistrationColumn.errorColumn {
                errorColumn = errorColumn ?? position
                columns.append(nil)
            } else if let column = RegistrationColumn(rawValue: name) {
                columns.append(column)
            } else {
                let known = RegistrationColumn.allCases.map(\.rawValue)
                let hint =
                    Suggestions.closest(to: name, in: known).map { "; did you mean '\($0)'?" }
                    ?? " (known: \(known.joined(separator: ", ")))"
                problem(position, "unknown column '\(RegistrationRow.shown(cell))'" + hint)
                columns.append(nil)
            }
        }
        if firstPosition[RegistrationColumn.email.rawValue] == nil, !cells.isEmpty {
            problems.append("\(path):\(line): error: the header has no 'email' column; it names the user of each row")
        }
        guard problems.isEmpty else {
            // One problem fits on the error line; several are listed under it, compiler-style.
            throw .invalidInput(.headerProblems(path: path, problems: problems))
        }
        self.cells = cells
        self.columns = columns
        self.errorColumn = errorColumn
    }

    /// The header cell at field `position` (1-based, as CSV problems count), if there is one.
    func name(ofField position: Int) -> String? {
        position >= 1 && position <= cells.count ? cells[position - 1].trimmingWhitespace() : nil
    }
}
