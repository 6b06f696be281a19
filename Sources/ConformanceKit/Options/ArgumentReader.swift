/// Reads a command line one item at a time, the way `conform` and `conform bench` spell options:
/// `--name value`, `--name=value`, flags, positional arguments, and `--` ending the options.
package struct ArgumentReader {
    package enum Item: Equatable {
        case positional(String)
        case option(String)
    }

    private var remaining: ArraySlice<String>
    private var isAfterDoubleDash = false
    private var currentName = ""
    private var inlineValue: String?

    package init(_ arguments: [String]) { remaining = arguments[...] }

    /// The next positional argument or option name; nil at the end.
    package mutating func next() -> Item? {
        while let argument = remaining.popFirst() {
            if isAfterDoubleDash || !argument.hasPrefix("-") || argument == "-" { return .positional(argument) }
            if argument == "--" {
                isAfterDoubleDash = true
                continue
            }
            currentName = argument
            inlineValue = nil
            if argument.hasPrefix("--"), let equals = argument.firstIndex(of: "=") {
                currentName = String(argument[..<equals])
                inlineValue = String(argument[argument.index(after: equals)...])
            }
            return .option(currentName)
        }
        return nil
    }

    /// The value of the option just read (`--name=value` or the next argument).
    package mutating func value() throws(ConformUsageError) -> String {
        if let inlineValue { return inlineValue }
        guard let next = remaining.popFirst() else { throw ConformUsageError("\(currentName) needs a value") }
        return next
    }

    /// Checks that the option just read, a flag, was given no `=value`.
    package func flag() throws(ConformUsageError) {
        if inlineValue != nil { throw ConformUsageError("\(currentName) takes no value") }
    }
}
