import AdmitDomain
import AdmitStore
import Foundation

/// Everything the enrolment report counts, gathered in one pass over the enrolments.
///
/// Built for a million enrolments in well under a second: it decodes columns without allocating
/// and copies strings only for the rows it will list.
struct EnrolmentTally {
    /// Rows kept per anomaly; nil keeps all.
    let limit: Int?
    var total: Int64 = 0
    var withdrawn: Int64 = 0
    var first: Instant?
    var last: Instant?
    /// Distinct people: the scan comes in user order, so a new user is a change of user.
    var people: Int64 = 0
    private var previousUser: UserID?
    /// Enrolments per profession and per source, by position in `allCases`.
    var professions = [Int64](repeating: 0, count: Profession.allCases.count)
    var sources = [Int64](repeating: 0, count: EnrolmentSource.allCases.count)
    /// Enrolments per country, indexed by `EnrolmentScan.countryBits` (0: no country).
    var countries = [Int64](repeating: 0, count: 1 << 16)
    /// Enrolments per 15-minute bucket start (every zone's offset is a multiple of 15 minutes).
    var buckets = IntTable()
    var forced = Listing()
    var inactive = Listing()
    var neverOpened = Listing()
    /// Each person's name key (a hash of the normalised name and the country), id and enrolment
    /// instant, in scan order. They are grouped after the scan (`sameName()`): a hash table probed
    /// at random for every person cost a third of the whole report, in cache misses.
    private var nameKeys: [Int64] = []
    private var nameUsers: [Int64] = []
    private var nameEnrolledAt: [Int64] = []
    /// Enrolments whose address has a `+tag`.
    var tagged: [EnrolmentReportRow] = []

    static let bucket: Int64 = 15 * 60 * 1000

    /// A count and the first rows behind it.
    struct Listing {
        var count: Int64 = 0
        var rows: [EnrolmentReportRow] = []
    }

    init(limit: Int?) { self.limit = limit }

    mutating func add(_ scan: some EnrolmentRecord) {
        let at = scan.enrolledAt
        total += 1
        if scan.isWithdrawn { withdrawn += 1 }
        if first.map({ at < $0 }) ?? true { first = at }
        if last.map({ at > $0 }) ?? true { last = at }
        if let profession = scan.profession, let index = Profession.allCases.firstIndex(of: profession) { professions[index] += 1 }
        if let source = scan.source, let index = EnrolmentSource.allCases.firstIndex(of: source) { sources[index] += 1 }
        countries[Int(scan.countryBits)] += 1
        let ms = at.millisecondsSinceEpoch
        buckets.add(1, to: ms - ((ms % Self.bucket) + Self.bucket) % Self.bucket)
        if scan.forced { Self.note(&forced, scan, limit: limit) }
        if let state = scan.accountState, state != .active { Self.note(&inactive, scan, limit: limit) }
        if !scan.opened { Self.note(&neverOpened, scan, limit: limit) }

        let user = scan.user
        guard user != previousUser else { return }
        previousUser = user
        people += 1
        if let name = scan.withName({ $0.isEmpty ? nil : EnrolmentTally.nameKeyHash($0) }) {
            let key = Int64(name ^ (Int(scan.countryBits) &* 0x1E37_79B9_7F4A_7C15))
            nameKeys.append(key)
            nameUsers.append(user.rawValue)
            nameEnrolledAt.append(at.millisecondsSinceEpoch)
        }
        if scan.withEmail({ EnrolmentTally.hasTag($0) }) { tagged.append(scan.row) }
    }

    /// The people whose name key an earlier person in the scan had, with that earlier person
    /// (candidates: hash collisions are possible, the caller compares the names).
    func sameName() -> [(user: UserID, enrolledAt: Instant, other: UserID)] {
        IntTable.repeats(in: nameKeys).map {
            (UserID(nameUsers[$0.later]), Instant(millisecondsSinceEpoch: nameEnrolledAt[$0.later]), UserID(nameUsers[$0.first]))
        }
    }

    private static func note(_ listing: inout Listing, _ scan: some EnrolmentRecord, limit: Int?) {
        listing.count += 1
        if limit.map({ listing.rows.count < $0 }) ?? true { listing.rows.append(scan.row) }
    }

    // MARK: Likely duplicates

    /// Whether the address's local part holds a `+`.
    static func hasTag(_ email: UnsafeRawBufferPointer) -> Bool {
        for byte in email {
            if byte == UInt8(ascii: "@") { return false }
            if byte == UInt8(ascii: "+") { return true }
        }
        return false
    }

    /// `ada+idor@example.org` → `ada@example.org`.
    static func untagged(_ email: String) -> String {
        guard let at = email.lastIndex(of: "@"), let plus = email[..<at].firstIndex(of: "+") else { return email }
        return String(email[..<plus]) + String(email[at...])
    }

    /// The name case-folded, with runs of white space collapsed to one space and the ends trimmed.
    static func nameKey(_ name: String) -> String {
        let folded =
            name.allSatisfy(\.isASCII) ? name.lowercased() : name.folding(options: [.caseInsensitive, .widthInsensitive], locale: nil)
        return folded.split(whereSeparator: \.isWhitespace).joined(separator: " ")
    }

    /// A 64-bit FNV-1a hash of `nameKey(name)`, computed without allocating when the name is ASCII.
    static func nameKeyHash(_ name: UnsafeRawBufferPointer) -> Int {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        func mix(_ byte: UInt8) {
            hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3
        }
        guard name.allSatisfy({ $0 < 0x80 }) else {
            for byte in nameKey(String(decoding: name, as: UTF8.self)).utf8 { mix(byte) }
            return Int(bitPattern: UInt(hash))
        }
        // The bytes `nameKey` gives for ASCII: lowercase, single spaces, trimmed.
        var pendingSpace = false
        var started = false
        for var byte in name {
            if byte == 0x20 || (0x09...0x0D).contains(byte) {
                pendingSpace = started
                continue
            }
            if pendingSpace { mix(0x20) }
            pendingSpace = false
            started = true
            if (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte) { byte += 32 }
            mix(byte)
        }
        return Int(bitPattern: UInt(hash))
    }
}
