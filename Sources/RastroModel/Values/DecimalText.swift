/// Exact decimal text for doubles without going through `String`: a bulk load writes millions.
public enum DecimalText {
    /// 10⁰ … 10¹⁵ as doubles (exact) and as integers.
    public static let powers: [Double] = (0...15).map { exponent in
        var value = 1.0
        for _ in 0..<exponent { value *= 10 }
        return value
    }
    public static let unitPowers: [UInt64] = (0...15).map { exponent in
        var value: UInt64 = 1
        for _ in 0..<exponent { value *= 10 }
        return value
    }

    /// The smallest `decimals` (0…15) and the integer `mantissa` such that the decimal number
    /// mantissa × 10^-decimals reads back (correctly rounded) as exactly `value`; nil when there is
    /// none with |mantissa| < 2⁵³ (very large, very small or long values), or for NaN and infinities.
    ///
    /// Why it round-trips: for |m| < 2⁵³ and 10^d ≤ 10¹⁵ both are exact doubles, so
    /// `Double(m) / 10^d` is the correctly rounded value of the decimal m·10^-d, which is exactly
    /// what any correct decimal reader returns for that text.
    @inline(__always)
    public static func fixed(_ value: Double) -> (mantissa: Int64, decimals: Int)? {
        guard value.isFinite else { return nil }
        let limit = 9_007_199_254_740_992.0 // 2⁵³
        for decimals in 0...15 {
            let scaled = (value * powers[decimals]).rounded()
            guard abs(scaled) < limit else { return nil }
            if scaled / powers[decimals] == value { return (Int64(scaled), decimals) }
        }
        return nil
    }
}
