import AdmitDomain

extension EnrolmentReport {
    /// The report as one self-contained HTML page (`admit audit enrolments --format html`).
    ///
    /// The package and its windows in its zone and in UTC; enrolments per day as a bar chart with
    /// the window edges marked, and cumulatively; the breakdowns (the first `options.topRows` of
    /// each, then one row for the rest); every anomaly with its count and the rows the report
    /// holds. A pure function of the report and the options: the same input gives the same bytes.
    public func html(_ options: HTMLReportOptions = HTMLReportOptions()) -> String {
        let zone = package.zone
        let esc = HTMLPage.escape
        let chart = chartSpan(options)
        var body = "<header>\n<h1>Enrolments: \(esc(package.title))</h1>\n"
        body +=
            "<p class=\"sub\">Package <code>\(esc(package.id.rawValue))</code> on \(esc(package.platform)) · "
            + "days counted in \(esc(zone.identifier))</p>\n"
        if range != .always {
            let from = range.start == .min ? "the first" : range.start.formatted(in: zone)
            let until = range.end == .max ? "the last" : range.end.formatted(in: zone)
            body += "<p class=\"sub\">Enrolments from \(esc(from)) until \(esc(until)) (exclusive).</p>\n"
        }
        body += "</header>\n"

        var facts: [(term: String, html: String)] = [
            ("enrolments", HTMLPage.grouped(total)), ("people", HTMLPage.grouped(people)),
            ("withdrawn later", HTMLPage.grouped(withdrawn)),
            ("anomalies", HTMLPage.grouped(anomalies.reduce(0) { $0 + $1.count })),
        ]
        if let first { facts.append(("first enrolment", HTMLPage.time(first, in: zone))) }
        if let last { facts.append(("last enrolment", HTMLPage.time(last, in: zone))) }
        body += HTMLPage.facts(facts) + "\n"

        body += "<section>\n" + HTMLPage.heading("Windows", id: "windows-heading") + "\n"
        body += options.windowTable(zone: zone, chart: chart) + "\n</section>\n"

        body += "<section>\n" + HTMLPage.heading("Enrolments per day", id: "per-day-heading") + "\n"
        body += perDaySection(options, chart: chart)
        body += "</section>\n"

        body += "<section>\n" + HTMLPage.heading("Who enrolled", id: "breakdowns") + "\n<div class=\"grid\">\n"
        for (caption, key, list, id) in [
            ("By profession", "profession", byProfession, "by-profession"), ("By country", "country", byCountry, "by-country"),
            ("By source", "source", bySource, "by-source"),
        ] {
            body += "<div>\n<h3>\(esc(caption))</h3>\n"
            body += HTMLPage.countTable(
                caption: "of \(HTMLPage.grouped(total)) enrolments", keyHeading: key, list, total: total, top: options.topRows, id: id)
            body += "\n</div>\n"
        }
        body += "</div>\n</section>\n"

        body += "<section>\n" + HTMLPage.heading("Anomalies", id: "anomalies") + "\n" + anomalySection(zone: zone) + "</section>\n"
        body += options.footer(command: "admit audit enrolments --format html", zone: zone)
        return HTMLPage.document(title: "Enrolments: \(package.id.rawValue)", body: body)
    }

    /// The days the charts draw (nil without enrolments).
    func chartSpan(_ options: HTMLReportOptions) -> (first: LocalDate, days: Int)? {
        guard let dataFirst = perDay.first?.day, let dataLast = perDay.last?.day else { return nil }
        return HTMLDayChart.span(dataFirst: dataFirst, dataLast: dataLast, edges: options.edgeInstants.map(\.instant), zone: package.zone)
    }

    private func perDaySection(_ options: HTMLReportOptions, chart span: (first: LocalDate, days: Int)?) -> String {
        guard let span else { return "<p class=\"none\">No enrolments.</p>\n" }
        let zone = package.zone
        var counts: [Int64: Int64] = [:]
        for entry in perDay { counts[entry.day.daysSinceEpoch, default: 0] += entry.count }
        let stacks = (0..<span.days).map { [counts[span.first.daysSinceEpoch + Int64($0)] ?? 0] }
        let drawn = stacks.reduce(Int64(0)) { $0 + $1[0] }
        let lastDrawn = LocalDate(daysSinceEpoch: span.first.daysSinceEpoch + Int64(span.days - 1))
        let edges = HTMLDayChart.edges(options.edgeInstants, first: span.first, days: span.days, zone: zone)
        let chart = HTMLDayChart(
            first: span.first, stacks: stacks, series: [("enrolments", "count", "enrolment")], edges: edges, id: "per-day",
            label: "Enrolments per day from \(span.first) to \(lastDrawn)")
        var out = "<figure>\n<div class=\"scroll\">\n" + chart.bars() + "\n</div>\n"
        var caption =
            "One bar per day in \(HTMLPage.escape(zone.identifier)), \(span.first) to \(lastDrawn) (\(span.days) day\(span.days == 1 ? "" : "s"))"
        caption += edges.isEmpty ? "." : "; dashed lines mark window edges."
        if drawn < total {
            caption +=
                " \(HTMLPage.grouped(total - drawn)) enrolments on later days are not drawn (at most \(HTMLDayChart.maximumDays) days); the table lists every day."
        }
        out += "<figcaption>\(caption)</figcaption>\n</figure>\n"
        var cumulativeChart = chart
        cumulativeChart.id = "cumulative"
        cumulativeChart.label = "Cumulative enrolments from \(span.first) to \(lastDrawn)"
        out += "<h3>Cumulative</h3>\n<figure>\n<div class=\"scroll\">\n" + cumulativeChart.cumulative() + "\n</div>\n"
        out += "<figcaption>Enrolments so far at the end of each day.</figcaption>\n</figure>\n"

        out += "<div class=\"scroll\"><table class=\"per-day\" id=\"per-day-table\">\n"
        out += "<caption>Days without enrolments are left out.</caption>\n"
        out +=
            "<thead><tr><th scope=\"col\">day (\(HTMLPage.escape(zone.identifier)))</th><th scope=\"col\" class=\"num\">enrolments</th>"
            + "<th scope=\"col\" class=\"num\">cumulative</th></tr></thead>\n<tbody>\n"
        var running: Int64 = 0
        for entry in perDay {
            running += entry.count
            out +=
                "<tr><th scope=\"row\"><time>\(entry.day)</time></th><td class=\"num\">\(HTMLPage.grouped(entry.count))</td>"
                + "<td class=\"num\">\(HTMLPage.grouped(running))</td></tr>\n"
        }
        return out + "</tbody>\n</table></div>\n"
    }

    private func anomalySection(zone: Zone) -> String {
        let esc = HTMLPage.escape
        var out = "<div class=\"scroll\"><table class=\"anomaly-summary\">\n"
        out +=
            "<thead><tr><th scope=\"col\">anomaly</th><th scope=\"col\">kind</th><th scope=\"col\" class=\"num\">count</th></tr></thead>\n<tbody>\n"
        for anomaly in anomalies {
            out +=
                "<tr><th scope=\"row\"><a href=\"#anomaly-\(esc(anomaly.kind.rawValue))\">\(esc(anomaly.kind.title))</a></th>"
                + "<td><code>\(esc(anomaly.kind.rawValue))</code></td><td class=\"num\">\(HTMLPage.grouped(anomaly.count))</td></tr>\n"
        }
        out += "</tbody>\n</table></div>\n"
        for anomaly in anomalies {
            out += "<h3 id=\"anomaly-\(esc(anomaly.kind.rawValue))\">\(esc(anomaly.kind.title)): "
            out += "<span class=\"count-badge\">\(HTMLPage.grouped(anomaly.count))</span></h3>\n"
            guard anomaly.count > 0 else {
                out += "<p class=\"none ok\">None found.</p>\n"
                continue
            }
            out +=
                "<div class=\"scroll\"><table class=\"anomaly\" data-kind=\"\(esc(anomaly.kind.rawValue))\" data-count=\"\(anomaly.count)\" "
                + "data-rows=\"\(anomaly.rows.count)\">\n"
            out +=
                "<thead><tr><th scope=\"col\" class=\"num\">user</th><th scope=\"col\">email</th><th scope=\"col\">name</th>"
                + "<th scope=\"col\">country</th><th scope=\"col\">at</th><th scope=\"col\">detail</th></tr></thead>\n<tbody>\n"
            for row in anomaly.rows {
                out +=
                    "<tr><td class=\"num\">\(row.user.rawValue)</td><td class=\"wrap\">\(esc(row.email))\(row.externalID.map { " <small>(\(esc($0)))</small>" } ?? "")</td><td class=\"wrap\">\(esc(row.name))</td>"
                    + "<td>\(esc(row.country ?? "–"))</td><td>\(HTMLPage.time(row.at, in: zone))</td><td class=\"wrap\">\(esc(row.detail))</td></tr>\n"
            }
            out += "</tbody>\n</table></div>\n"
            if Int64(anomaly.rows.count) < anomaly.count {
                out +=
                    "<p class=\"more\">\(HTMLPage.grouped(Int64(anomaly.rows.count))) of \(HTMLPage.grouped(anomaly.count)) rows shown; "
                    + "<code>--limit 0</code> lists all.</p>\n"
            }
        }
        return out
    }
}
