import AdmitDomain
import AdmitRules

/// The catalog of the shipped policy: one package of 39 lectures in Vienna.
let catalog: Catalog = {
    guard let vienna = Zone(identifier: "Europe/Vienna") else { fatalError("no Europe/Vienna zone") }
    let lectures = (1...39).map { n in
        Lecture(id: LectureID("idor-2020-" + (n < 10 ? "0" : "") + String(n)), package: "idor-2020", position: n, title: "Lecture \(n)")
    }
    return Catalog(packages: [
        Package(id: "idor-2020", title: "IDoR 2020", platform: "ESR Connect", zone: vienna, lectures: lectures)
    ])
}()

let reference = Instant(millisecondsSinceEpoch: 1_605_434_400_000)  // 2020-11-15T10:00:00+01:00

/// Facts that reach every kind of rule: active and enrolled, premium, suspended without a country.
let everyone: [Facts] = {
    let enrolled = Enrolment(user: UserID(1), package: "idor-2020", enrolledAt: reference, source: .`self`)
    return [
        Facts(account: .active, profession: .radiologist, country: CountryCode("AT"), subscription: .none, enrolments: [enrolled]),
        Facts(account: .active, profession: .other, country: nil, subscription: Subscription("premium") ?? .none, enrolments: []),
        Facts(account: .suspended, profession: .radiographer, country: nil, subscription: .none, enrolments: [enrolled]),
    ]
}()

/// A policy file or a policy-tests file in, every error or a policy out; a valid policy is
/// evaluated, explained, asked `when`, linted and compared with itself.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ start: UnsafeRawPointer?, _ count: Int) -> CInt {
    let text = String(decoding: UnsafeRawBufferPointer(start: start, count: count), as: UTF8.self)
    let source = PolicySource(path: "fuzz.policy", text: text)
    do {
        let set = try PolicySet.compile([source], catalog: catalog)
        let lecture = catalog.packages[0].lectures[6]
        for facts in everyone {
            _ = set.decide(.open(lecture, at: reference), facts: facts)
            _ = set.decide(.enrol(in: "idor-2020", at: reference), facts: facts)
            _ = set.availability(of: .open(lecture, at: reference), facts: facts, in: .always, reference: reference)
            _ = set.enrolmentHint(
                opening: lecture, facts: facts, in: .always,
                now: set.availability(
                    of: .open(lecture, at: reference), facts: facts, in: .always, reference: reference))
        }
        let same = PolicyComparison(old: set, new: set, lectures: catalog.packages[0].lectures)
        for facts in everyone where same.changes(for: facts).contains(where: { !$0.isEmpty }) {
            fatalError("a policy compared with itself changes access")
        }
        _ = PolicyDiagnostics(set.warnings).rendered(sources: [source])
    } catch {
        _ = error.rendered(sources: [source])
    }
    let tests = PolicySource(path: "fuzz.tests", text: text)
    _ = try? PolicyTestSuite.parse([tests], catalog: catalog)
    return 0
}

// SwiftPM links a debug executable with `main` renamed to `FuzzPolicy_main`: this one hands over
// to libFuzzer's driver, as libFuzzer's own `main` would.
@_silgen_name("LLVMFuzzerRunDriver")
func runFuzzerDriver(
    _ argc: UnsafeMutablePointer<CInt>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
    _ callback: @convention(c) (UnsafeRawPointer?, Int) -> CInt
) -> CInt

@_cdecl("FuzzPolicy_main")
public func fuzzerMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    var count = argc
    var arguments = argv
    return runFuzzerDriver(&count, &arguments) { fuzz($0, $1) }
}
