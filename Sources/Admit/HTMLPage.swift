import AdmitDomain

/// The pieces every HTML report is made of: escaping, numbers, the page around the content.
///
/// A page is self-contained: inline CSS and SVG, no script, and a Content-Security-Policy that
/// forbids the browser to fetch anything or run any script, so even a mistake in escaping could
/// not make the page load or execute something. Output depends only on the values given: no
/// clock, no locale, no dictionary order.
enum HTMLPage {
    /// `text` as HTML text or attribute value: `&`, `<`, `>`, `"` and `'` as character references;
    /// control characters other than tab, newline and carriage return (which HTML does not allow)
    /// as U+FFFD.
    static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            case "\t", "\n", "\r": out.unicodeScalars.append(scalar)
            case "\u{0}"..."\u{1F}", "\u{7F}"..."\u{9F}": out += "\u{FFFD}"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    /// `1,234,567`.
    static func grouped(_ number: Int64) -> String {
        let digits = String(number.magnitude)
        var out = number < 0 ? "-" : ""
        for (index, digit) in digits.enumerated() {
            if index > 0, (digits.count - index) % 3 == 0 { out.append(",") }
            out.append(digit)
        }
        return out
    }

    /// `part` as a share of `whole` in percent with one decimal (`12.5%`), rounded half up; `–` for no whole.
    static func percent(_ part: Int64, of whole: Int64) -> String {
        guard whole > 0 else { return "–" }
        let tenths = (part * 1000 * 2 + whole) / (whole * 2)
        return "\(tenths / 10).\(tenths % 10)%"
    }

    /// A coordinate with at most one decimal (`12`, `12.5`), the same on every machine.
    static func number(_ value: Double) -> String {
        let tenths = Int64((value * 10).rounded())
        let sign = tenths < 0 ? "-" : ""
        let magnitude = tenths.magnitude
        return magnitude % 10 == 0 ? "\(sign)\(magnitude / 10)" : "\(sign)\(magnitude / 10).\(magnitude % 10)"
    }

    /// `MM-DD`.
    static func monthAndDay(_ date: LocalDate) -> String {
        String(date.description.suffix(5))
    }

    /// An instant in `zone` and, below it, in UTC: `2020-11-21T00:00:00+01:00` / `2020-11-20T23:00:00Z`
    /// (only once when they are the same text).
    static func time(_ instant: Instant, in zone: Zone) -> String {
        let local = instant.formatted(in: zone)
        let utc = instant.formatted(offsetSeconds: 0)
        return "<time>\(breakable(local))</time>" + (local == utc ? "" : "<br><time class=\"utc\">\(breakable(utc))</time>")
    }

    /// An RFC 3339 text that a narrow cell may break after the date and nowhere else: the date and
    /// the time each in a `nowrap` span, `<wbr>` between them.
    static func breakable(_ formatted: String) -> String {
        guard let t = formatted.firstIndex(of: "T") else { return escape(formatted) }
        return "<span>\(escape(String(formatted[..<t])))</span><wbr><span>\(escape(String(formatted[t...])))</span>"
    }

    /// The whole document: `title` in the head and the tab, `body` as given (already HTML).
    static func document(title: String, body: String) -> String {
        """
        <!DOCTYPE html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
        <meta name="generator" content="admit">
        <title>\(escape(title))</title>
        <style>
        \(css)
        </style>
        </head>
        <body>
        \(body)
        </body>
        </html>

        """
    }

    /// A section heading with an anchor id.
    static func heading(_ text: String, id: String) -> String {
        "<h2 id=\"\(escape(id))\">\(escape(text))</h2>"
    }

    /// A definition list of `(term, HTML value)` pairs, laid out as cards.
    static func facts(_ pairs: [(term: String, html: String)]) -> String {
        var out = "<dl class=\"facts\">\n"
        for pair in pairs { out += "<div><dt>\(escape(pair.term))</dt><dd>\(pair.html)</dd></div>\n" }
        return out + "</dl>"
    }

    /// A count table (`key`, count, share, bar), largest first as given, at most `top` rows and
    /// then one row for the rest with how many keys and counts it holds.
    static func countTable(
        caption: String, keyHeading: String, _ list: [(key: String, count: Int64)], total: Int64, top: Int, id: String
    ) -> String {
        let most = list.map(\.count).max() ?? 0
        var out = "<div class=\"scroll\"><table class=\"counts\" id=\"\(escape(id))\">\n"
        out += "<caption>\(escape(caption))</caption>\n"
        out +=
            "<thead><tr><th scope=\"col\">\(escape(keyHeading))</th><th scope=\"col\" class=\"num\">count</th>"
            + "<th scope=\"col\" class=\"num\">share</th><th scope=\"col\" class=\"barcell\"><span class=\"sr\">bar</span></th></tr></thead>\n<tbody>\n"
        for entry in list.prefix(top) {
            out +=
                "<tr><th scope=\"row\">\(escape(entry.key))</th><td class=\"num\">\(grouped(entry.count))</td>"
                + "<td class=\"num\">\(percent(entry.count, of: total))</td><td class=\"barcell\">\(inlineBar(entry.count, of: most))</td></tr>\n"
        }
        if list.count > top {
            let rest = list.dropFirst(top)
            let count = rest.reduce(Int64(0)) { $0 + $1.count }
            out +=
                "<tr class=\"rest\"><th scope=\"row\">\(grouped(Int64(rest.count))) more</th><td class=\"num\">\(grouped(count))</td>"
                + "<td class=\"num\">\(percent(count, of: total))</td><td class=\"barcell\"></td></tr>\n"
        }
        if list.isEmpty { out += "<tr><td colspan=\"4\" class=\"none\">none</td></tr>\n" }
        return out + "</tbody>\n</table></div>"
    }

    /// A small horizontal bar for a table cell, `count` against `most`.
    static func inlineBar(_ count: Int64, of most: Int64) -> String {
        let width = most > 0 ? Double(count) * 100 / Double(most) : 0
        return "<svg class=\"hbar\" viewBox=\"0 0 100 10\" preserveAspectRatio=\"none\" aria-hidden=\"true\">"
            + "<rect x=\"0\" y=\"0\" width=\"\(number(width))\" height=\"10\"/></svg>"
    }

    /// The style sheet: readable on a phone, on paper and without colour (bars are dark and
    /// patterned, lines are dashed, nothing depends on hue alone).
    static let css = """
        :root { color-scheme: light; --ink: #111; --muted: #555; --rule: #bbb; --bar: #2f4f7f; --deny: #8a2d2d; }
        * { box-sizing: border-box; }
        html { -webkit-text-size-adjust: 100%; text-size-adjust: 100%; }
        body { margin: 0 auto; padding: 1rem; max-width: 72rem; color: var(--ink); background: #fff;
          font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif; }
        h1 { font-size: 1.5rem; margin: 0 0 .25rem; line-height: 1.2; }
        h2 { font-size: 1.15rem; margin: 2rem 0 .5rem; border-bottom: 1px solid var(--rule); padding-bottom: .2rem; }
        h3 { font-size: 1rem; margin: 1.25rem 0 .35rem; }
        p { margin: .35rem 0; }
        .sub, .note, caption, .utc { color: var(--muted); }
        .utc { font-size: .85em; }
        code, time, .mono { font-family: ui-monospace, "DejaVu Sans Mono", Menlo, Consolas, monospace; font-size: .9em; }
        .facts { display: grid; grid-template-columns: repeat(auto-fit, minmax(min(100%, 10rem), 1fr)); gap: .5rem; margin: .75rem 0; }
        .facts div { border: 1px solid var(--rule); border-radius: 4px; padding: .4rem .6rem; }
        .facts dt { color: var(--muted); font-size: .85rem; }
        .facts dd { margin: 0; font-size: 1.1rem; font-weight: 600; overflow-wrap: anywhere; }
        .facts dd time { font-weight: 400; font-size: .75rem; }
        .grid { display: grid; grid-template-columns: repeat(auto-fit, minmax(min(100%, 18rem), 1fr)); gap: 1rem; align-items: start; }
        .scroll { overflow-x: auto; max-width: 100%; }
        table { border-collapse: collapse; width: 100%; margin: .25rem 0 .75rem; font-size: .9rem; }
        caption { text-align: left; font-size: .85rem; padding: .2rem 0; }
        th, td { border-bottom: 1px solid var(--rule); padding: .25rem .4rem; text-align: left; vertical-align: top; }
        thead th { border-bottom: 2px solid var(--ink); font-weight: 600; }
        tbody th { font-weight: 400; }
        td, th { overflow-wrap: break-word; }
        thead th, code, time span { white-space: nowrap; }
        td.wrap { overflow-wrap: anywhere; min-width: 9rem; }
        .num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
        .barcell { width: 30%; min-width: 4rem; }
        .hbar { display: block; width: 100%; height: .7rem; }
        .hbar rect { fill: var(--bar); }
        .rest th, .rest td, .none, .more { color: var(--muted); font-style: italic; }
        .sr { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
        .count-badge { font-weight: 600; }
        .ok { font-weight: 600; }
        .chart { display: block; width: 100%; min-width: 34rem; height: auto; }
        .chart text { font: 12px system-ui, "DejaVu Sans", sans-serif; fill: var(--ink); }
        .chart .axis { stroke: var(--ink); stroke-width: 1; }
        .chart .grid-line { stroke: var(--rule); stroke-width: 1; stroke-dasharray: 2 3; }
        rect.bar, rect.allow { fill: var(--bar); }
        rect.deny { fill: url(#hatch); stroke: var(--deny); stroke-width: .75; }
        .hatch-line { stroke: var(--deny); stroke-width: 1.5; }
        .cumulative { fill: none; stroke: var(--bar); stroke-width: 2; }
        line.edge { stroke: var(--ink); stroke-width: 1.5; stroke-dasharray: 6 3; }
        .chart .edge-label { font-size: 11px; }
        .chart .total-label { font-weight: 600; }
        .chart-swatch line.edge { stroke-dasharray: 3 2; stroke-width: 2; }
        .legend { display: flex; flex-wrap: wrap; gap: .25rem 1rem; font-size: .85rem; margin: .25rem 0; }
        .legend svg { width: 1.6em; height: .9em; vertical-align: -0.1em; }
        td.effect-deny { font-weight: 700; }
        td.effect-deny::before { content: "✗ "; }
        td.effect-allow::before { content: "✓ "; }
        footer { margin-top: 2.5rem; border-top: 1px solid var(--rule); padding-top: .5rem; font-size: .8rem; color: var(--muted); }
        @media (max-width: 40rem) {
          body { padding: .6rem; font-size: 14px; }
          .barcell { width: 22%; }
          .chart { min-width: 36rem; }
          .chart text { font-size: 16px; }
          .chart .edge-label { font-size: 14px; }
        }
        @media print {
          body { max-width: none; padding: 0; font-size: 10pt; }
          .scroll { overflow: visible; }
          thead th, code { white-space: normal; }
          table { font-size: 8.5pt; }
          .barcell { width: 15%; min-width: 2rem; }
          td.wrap { min-width: 5rem; }
          .chart { min-width: 0; }
          h2, h3 { break-after: avoid; }
          figure, .facts div, tr { break-inside: avoid; }
          thead { display: table-header-group; }
          .facts div { border-color: #888; }
        }
        figure { margin: .5rem 0 1rem; }
        figcaption { font-size: .85rem; color: var(--muted); }
        """
}
