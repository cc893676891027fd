import AdmitDomain

extension DecisionReport {
    /// The report as one self-contained HTML page (`admit audit decisions --format html`): the
    /// filters, allowed and denied per day as stacked bars (window edges marked), the reasons
    /// that denied most (the first `options.topRows`), and the rows. A pure function.
    public func html(_ options: HTMLReportOptions = HTMLReportOptions()) -> String {
        let esc = HTMLPage.escape
        var body = "<header>\n<h1>Decisions</h1>\n"
        let filterText = filters.map { "\(esc($0.name)) <code>\(esc($0.value))</code>" }
        body += "<p class=\"sub\">\(filterText.isEmpty ? "All logged decisions" : "Decisions with " + filterText.joined(separator: ", "))"
        body += " · days counted in \(esc(zone.identifier))</p>\n"
        if range != .always {
            let from = range.start == .min ? "the first" : range.start.formatted(in: zone)
            let until = range.end == .max ? "the last" : range.end.formatted(in: zone)
            body += "<p class=\"sub\">Decisions about instants from \(esc(from)) until \(esc(until)) (exclusive).</p>\n"
        }
        body += "</header>\n"

        var facts: [(term: String, html: String)] = [
            ("decisions", HTMLPage.grouped(total)),
            ("allowed", "\(HTMLPage.grouped(allowed)) <span class=\"note\">(\(HTMLPage.percent(allowed, of: total)))</span>"),
            ("denied", "\(HTMLPage.grouped(denied)) <span class=\"note\">(\(HTMLPage.percent(denied, of: total)))</span>"),
        ]
        if let first { facts.append(("earliest instant asked about", HTMLPage.time(first, in: zone))) }
        if let last { facts.append(("latest instant asked about", HTMLPage.time(last, in: zone))) }
        body += HTMLPage.facts(facts) + "\n"

        body += "<section>\n" + HTMLPage.heading("Allowed and denied per day", id: "per-day-heading") + "\n"
        body += perDaySection(options) + "</section>\n"

        body += "<section>\n" + HTMLPage.heading("Why decisions were denied", id: "deny-reasons") + "\n"
        body += reasonSection(options) + "</section>\n"

        body += "<section>\n" + HTMLPage.heading("Decisions, newest first", id: "rows") + "\n"
        body += rowSection() + "</section>\n"
        body += options.footer(command: "admit audit decisions --format html", zone: zone)
        return HTMLPage.document(title: "Decisions", body: body)
    }

    private func perDaySection(_ options: HTMLReportOptions) -> String {
        guard let dataFirst = perDay.first?.day, let dataLast = perDay.last?.day else {
            return "<p class=\"none\">No decisions match.</p>\n"
        }
        let span = HTMLDayChart.span(dataFirst: dataFirst, dataLast: dataLast, edges: options.edgeInstants.map(\.instant), zone: zone)
        var counts: [Int64: DayCount] = [:]
        for entry in perDay { counts[entry.day.daysSinceEpoch] = entry }
        let stacks = (0..<span.days).map { index -> [Int64] in
            let entry = counts[span.first.daysSinceEpoch + Int64(index)]
            return [entry?.allowed ?? 0, entry?.denied ?? 0]
        }
        let drawn = stacks.reduce(Int64(0)) { $0 + $1[0] + $1[1] }
        let lastDrawn = LocalDate(daysSinceEpoch: span.first.daysSinceEpoch + Int64(span.days - 1))
        let edges = HTMLDayChart.edges(options.edgeInstants, first: span.first, days: span.days, zone: zone)
        let chart = HTMLDayChart(
            first: span.first, stacks: stacks, series: [("allow", "allow", "allowed"), ("deny", "deny", "denied")], edges: edges,
            id: "per-day", label: "Allowed and denied decisions per day from \(span.first) to \(lastDrawn)")
        var out = "<p class=\"legend\" aria-hidden=\"true\"><span>\(Self.swatch("allow")) allowed</span>"
        out += "<span>\(Self.swatch("deny")) denied</span>"
        if !edges.isEmpty { out += "<span>\(Self.edgeSwatch) window edge</span>" }
        out += "</p>\n<figure>\n<div class=\"scroll\">\n" + chart.bars(defs: Self.hatch) + "\n</div>\n"
        var caption =
            "One bar per day in \(HTMLPage.escape(zone.identifier)), \(span.first) to \(lastDrawn) (\(span.days) day\(span.days == 1 ? "" : "s")): "
            + "allowed below, denied (hatched) above"
        caption += edges.isEmpty ? "." : "; dashed lines mark window edges."
        if drawn < total {
            caption +=
                " \(HTMLPage.grouped(total - drawn)) decisions on later days are not drawn (at most \(HTMLDayChart.maximumDays) days); the table lists every day."
        }
        out += "<figcaption>\(caption)</figcaption>\n</figure>\n"
        out +=
            "<div class=\"scroll\"><table class=\"per-day\" id=\"per-day-table\">\n<caption>Days without decisions are left out.</caption>\n"
        out +=
            "<thead><tr><th scope=\"col\">day (\(HTMLPage.escape(zone.identifier)))</th><th scope=\"col\" class=\"num\">allowed</th>"
            + "<th scope=\"col\" class=\"num\">denied</th><th scope=\"col\" class=\"num\">total</th></tr></thead>\n<tbody>\n"
        for entry in perDay {
            out +=
                "<tr><th scope=\"row\"><time>\(entry.day)</time></th><td class=\"num\">\(HTMLPage.grouped(entry.allowed))</td>"
                + "<td class=\"num\">\(HTMLPage.grouped(entry.denied))</td><td class=\"num\">\(HTMLPage.grouped(entry.allowed + entry.denied))</td></tr>\n"
        }
        return out + "</tbody>\n</table></div>\n"
    }

    private func reasonSection(_ options: HTMLReportOptions) -> String {
        guard denied > 0 else { return "<p class=\"none\">No decision was denied.</p>\n" }
        let esc = HTMLPage.escape
        let most = denyReasons.first?.count ?? 0
        var out = "<p class=\"note\">Of \(HTMLPage.grouped(denied)) denials; a denial with several reasons counts once for each.</p>\n"
        out += "<div class=\"scroll\"><table class=\"counts\" id=\"deny-reason-table\">\n"
        out +=
            "<thead><tr><th scope=\"col\">reason</th><th scope=\"col\">rule</th><th scope=\"col\" class=\"num\">denials</th>"
            + "<th scope=\"col\" class=\"num\">share</th><th scope=\"col\" class=\"barcell\"><span class=\"sr\">bar</span></th>"
            + "<th scope=\"col\">for example</th></tr></thead>\n<tbody>\n"
        for reason in denyReasons.prefix(options.topRows) {
            out +=
                "<tr data-code=\"\(esc(reason.code.rawValue))\"><th scope=\"row\"><code>\(esc(reason.code.rawValue))</code></th>"
                + "<td>\(reason.rule.map { "<code>\(esc($0.rawValue))</code>" } ?? "–")</td>"
                + "<td class=\"num\">\(HTMLPage.grouped(reason.count))</td><td class=\"num\">\(HTMLPage.percent(reason.count, of: denied))</td>"
                + "<td class=\"barcell\">\(HTMLPage.inlineBar(reason.count, of: most))</td><td class=\"wrap\">\(esc(reason.example))</td></tr>\n"
        }
        if denyReasons.count > options.topRows {
            let rest = denyReasons.dropFirst(options.topRows)
            out +=
                "<tr class=\"rest\"><th scope=\"row\" colspan=\"2\">\(HTMLPage.grouped(Int64(rest.count))) more reasons</th>"
                + "<td class=\"num\">\(HTMLPage.grouped(rest.reduce(Int64(0)) { $0 + $1.count }))</td><td colspan=\"3\"></td></tr>\n"
        }
        return out + "</tbody>\n</table></div>\n"
    }

    private func rowSection() -> String {
        guard !rows.isEmpty else { return "<p class=\"none\">No decisions match.</p>\n" }
        let esc = HTMLPage.escape
        var out = "<p class=\"note\">Times in \(esc(zone.identifier)); the instant asked about also in UTC.</p>\n"
        out += "<div class=\"scroll\"><table class=\"decisions\" id=\"decision-rows\" data-rows=\"\(rows.count)\">\n"
        out +=
            "<thead><tr><th scope=\"col\" class=\"num\">#</th><th scope=\"col\">about the instant</th><th scope=\"col\" class=\"num\">user</th>"
            + "<th scope=\"col\">request</th><th scope=\"col\">decision</th><th scope=\"col\">reasons</th><th scope=\"col\">by</th>"
            + "<th scope=\"col\">recorded</th><th scope=\"col\">policy</th></tr></thead>\n<tbody>\n"
        for row in rows {
            let request =
                row.lecture.map { "open <code>\(esc($0.rawValue))</code>" } ?? "enrol in <code>\(esc(row.package.rawValue))</code>"
            let reasons = row.reasons.map { reason in
                "<code>\(esc(reason.code.rawValue))</code>" + (reason.rule.map { " <code>\(esc($0.rawValue))</code>" } ?? "")
                    + "<br><span class=\"note\">\(esc(reason.message))</span>"
            }
            out +=
                "<tr><td class=\"num\">\(row.seq)</td><td>\(HTMLPage.time(row.at, in: zone))</td>"
                + "<td class=\"num\">\(row.user.rawValue)\(row.externalID.map { " <small>(\(esc($0)))</small>" } ?? "")</td><td>\(request)</td><td class=\"effect-\(row.effect.rawValue)\">\(row.effect.rawValue)</td>"
                + "<td class=\"wrap\">\(reasons.joined(separator: "<br>"))</td><td class=\"wrap\">\(esc(row.actor))</td><td><time>\(HTMLPage.breakable(row.recordedAt.formatted(in: zone)))</time></td>"
                + "<td><code title=\"\(esc(row.policyHash))\">\(esc(PolicyVersion.short(row.policyHash)))</code></td></tr>\n"
        }
        out += "</tbody>\n</table></div>\n"
        if Int64(rows.count) < total {
            out +=
                "<p class=\"more\">The newest \(HTMLPage.grouped(Int64(rows.count))) of \(HTMLPage.grouped(total)) decisions; "
                + "<code>--limit</code> lists more (<code>--limit 0</code>: all).</p>\n"
        }
        return out
    }

    /// The hatching that marks denials without colour.
    static let hatch =
        "<defs><pattern id=\"hatch\" width=\"6\" height=\"6\" patternUnits=\"userSpaceOnUse\" patternTransform=\"rotate(45)\">"
        + "<rect width=\"6\" height=\"6\" fill=\"#fff\"/><line class=\"hatch-line\" x1=\"0\" y1=\"0\" x2=\"0\" y2=\"6\"/></pattern></defs>\n"

    static func swatch(_ cssClass: String) -> String {
        "<svg class=\"chart-swatch\" viewBox=\"0 0 16 9\"><rect class=\"\(cssClass)\" x=\"0.5\" y=\"0.5\" width=\"15\" height=\"8\"/></svg>"
    }

    static let edgeSwatch =
        "<svg class=\"chart-swatch\" viewBox=\"0 0 16 9\"><line class=\"edge\" x1=\"0\" y1=\"4.5\" x2=\"16\" y2=\"4.5\"/></svg>"
}
