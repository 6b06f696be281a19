/// XML 1.0 escaping for the JUnit report (XML 1.0 §2.2 "Characters", §2.4 "Character Data").
enum XMLText {
    /// Escapes `&`, `<`, `>`, quotes; in attributes also tab, newline and carriage return (so they survive
    /// attribute-value normalisation). Characters XML 1.0 cannot carry at all (C0 controls other than
    /// tab/newline/return, U+FFFE, U+FFFF) become the visible text `\u{XX}`.
    static func escape(_ text: String, isAttribute: Bool = false) -> String {
        var output = ""
        output.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": output += "&amp;"
            case "<": output += "&lt;"
            case ">": output += "&gt;"
            case "\"": output += isAttribute ? "&quot;" : "\""
            case "'": output += isAttribute ? "&apos;" : "'"
            case "\t": output += isAttribute ? "&#9;" : "\t"
            case "\n": output += isAttribute ? "&#10;" : "\n"
            case "\r": output += "&#13;"
            default:
                if scalar.value < 0x20 || scalar.value == 0xFFFE || scalar.value == 0xFFFF {
                    output += "\\u{\(String(scalar.value, radix: 16, uppercase: true))}"
                } else {
                    output.unicodeScalars.append(scalar)
                }
            }
        }
        return output
    }
}
