/// Go's `Regexp.Expand` for `label_replace` replacements: `$1`, `${1}`, `$name`, `${name}`
/// and `$$`; unknown or unmatched groups expand to nothing, a `$` not followed by a name
/// stays as it is.
enum GoRegexTemplate {
    static func expand(_ template: String, match: Regex<AnyRegexOutput>.Match) -> String {
        var out = ""
        var rest = Substring(template)
        while let dollar = rest.firstIndex(of: "$") {
            out += rest[..<dollar]
            rest = rest[rest.index(after: dollar)...]
            if rest.first == "$" {
                out += "$"
                rest = rest.dropFirst()
                continue
            }
            guard let (name, number, after) = extract(rest) else {
                out += "$"
                continue
            }
            rest = after
            if let number {
                if number < match.output.count, let group = match.output[number].substring { out += group }
            } else if let element = match.output[name], let group = element.substring {
                out += group
            }
        }
        out += rest
        return out
    }

    /// A group reference at the start of `s` (after the `$`): its name, its number when
    /// the name is a number without leading zeros, and what follows.
    private static func extract(_ s: Substring) -> (String, Int?, Substring)? {
        var str = s
        var brace = false
        if str.first == "{" {
            brace = true
            str = str.dropFirst()
        }
        var end = str.startIndex
        while end < str.endIndex {
            let scalar = str.unicodeScalars[end]
            let category = scalar.properties.generalCategory
            let isLetter = [.uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter].contains(category)
            guard isLetter || category == .decimalNumber || scalar == "_" else { break }
            end = str.unicodeScalars.index(after: end)
        }
        if end == str.startIndex { return nil }
        let name = String(str[..<end])
        var after = str[end...]
        if brace {
            guard after.first == "}" else { return nil }
            after = after.dropFirst()
        }
        var number: Int? = 0
        for b in name.utf8 {
            guard let n = number, b >= 0x30, b <= 0x39, n < 100_000_000 else {
                number = nil
                break
            }
            number = n * 10 + Int(b - 0x30)
        }
        if name.utf8.first == 0x30 && name.utf8.count > 1 { number = nil }
        return (name, number, after)
    }
}
