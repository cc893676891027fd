import AdmitCSV
import AdmitDomain
import AdmitJSON

extension EnrolmentReport {
    /// The report as JSON: `admit audit enrolments --format json` and the service's `audit.enrolments`.
    public var json: JSONValue {
        let zone = package.zone
        func time(_ instant: Instant?) -> JSONValue {
            guard let instant, instant != .min, instant != .max else { return .null }
            return .string(instant.formatted(in: zone))
        }
        func counts(_ list: [(key: String, count: Int64)]) -> JSONValue {
            .array(list.map { .object(["key": .string($0.key), "count": .number(JSONNumber($0.count))]) })
        }
        var object = JSONObject()
        object["package"] = .string(package.id.rawValue)
        object["zone"] = .string(zone.identifier)
        object["from"] = time(range.start)
        object["until"] = time(range.end)
        object["total"] = .number(JSONNumber(total))
        object["people"] = .number(JSONNumber(people))
        object["withdrawn"] = .number(JSONNumber(withdrawn))
        object["first"] = time(first)
        object["last"] = time(last)
        object["perDay"] = .array(perDay.map { .object(["day": .string($0.day.description), "count": .number(JSONNumber($0.count))]) })
        object["byProfession"] = counts(byProfession)
        object["byCountry"] = counts(byCountry)
        object["bySource"] = counts(bySource)
        object["anomalies"] = .array(
            anomalies.map { anomaly in
                .object([
                    "kind": .string(anomaly.kind.rawValue), "title": .string(anomaly.kind.title),
                    "count": .number(JSONNumber(anomaly.count)),
                    "rows": .array(
                        anomaly.rows.map { row in
                            var fields: JSONObject = [
                                "user": .number(JSONNumber(row.user.rawValue)), "email": .string(row.email), "name": .string(row.name),
                                "country": row.country.map { .string($0) } ?? .null, "at": time(row.at), "detail": .string(row.detail),
                            ]
                            if let externalID = row.externalID { fields["externalId"] = .string(externalID) }
                            return .object(fields)
                        }),
                ])
            })
        return .object(object)
    }

    /// The report as one CSV table (`section,key,count,user,email,name,country,at,detail,externalId`), safe to
    /// open in a spreadsheet: cells starting with `=`, `+`, `-`, `@`, tab or CR get a leading `'`.
    public var csv: [UInt8] {
        var writer = CSVWriter(neutraliseFormulas: true)
        let zone = package.zone
        writer.write(["section", "key", "count", "user", "email", "name", "country", "at", "detail", "externalId"])
        func line(_ section: String, _ key: String, _ count: Int64, row: Row? = nil) {
            writer.write([
                section, key, String(count), row.map { String($0.user.rawValue) } ?? "", row?.email ?? "", row?.name ?? "",
                row?.country ?? "",
                row.map { $0.at.formatted(in: zone) } ?? "", row?.detail ?? "", row?.externalID ?? "",
            ])
        }
        line("total", package.id.rawValue, total)
        line("people", package.id.rawValue, people)
        line("withdrawn", package.id.rawValue, withdrawn)
        for day in perDay { line("day", day.day.description, day.count) }
        for entry in byProfession { line("profession", entry.key, entry.count) }
        for entry in byCountry { line("country", entry.key, entry.count) }
        for entry in bySource { line("source", entry.key, entry.count) }
        for anomaly in anomalies {
            line("anomaly", anomaly.kind.rawValue, anomaly.count)
            for row in anomaly.rows { line("anomaly-row", anomaly.kind.rawValue, 1, row: row) }
        }
        return writer.takeBytes()
    }
}
