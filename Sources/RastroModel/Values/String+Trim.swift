extension StringProtocol {
    /// The text without leading and trailing white space (spaces, tabs, line ends, no-break spaces).
    public func trimmingWhitespace() -> String {
        var text = self[...]
        while let first = text.first, first.isWhitespace { text = text.dropFirst() }
        while let last = text.last, last.isWhitespace { text = text.dropLast() }
        return String(text)
    }
}
