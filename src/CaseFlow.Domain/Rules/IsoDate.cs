using NodaTime;

namespace CaseFlow.Domain.Rules;

/// <summary>
/// A date written as ISO <c>yyyy-MM-dd</c> straight into an interpolated string (span-formattable: no intermediate string, no pattern
/// lookup). The rules engine words its warnings per stay (NodaTime's pattern formatting was a fifth of an evaluation's allocations);
/// the alert texts and the timeline's lines write their dates with it too. The same text as NodaTime's <c>yyyy-MM-dd</c> on every date.
/// </summary>
public readonly record struct IsoDate(LocalDate Date) : ISpanFormattable
{
    public bool TryFormat(Span<char> destination, out int charsWritten, ReadOnlySpan<char> format, IFormatProvider? provider)
    {
        if (Date.Year is < 0 or > 9999 || destination.Length < 10)
        {
            // Outside the four-digit years, or too little room: NodaTime's own text (the caller grows its buffer and asks again).
            var text = ToString();
            charsWritten = text.TryCopyTo(destination) ? text.Length : 0;
            return charsWritten > 0;
        }
        Digits(destination[..4], Date.Year);
        destination[4] = '-';
        Digits(destination.Slice(5, 2), Date.Month);
        destination[7] = '-';
        Digits(destination.Slice(8, 2), Date.Day);
        charsWritten = 10;
        return true;
    }

    /// <summary>Writes <paramref name="value"/> (not negative) into all of <paramref name="into"/>, zero-padded on the left.</summary>
    private static void Digits(Span<char> into, int value)
    {
        for (var i = into.Length - 1; i >= 0; i--, value /= 10) into[i] = (char)('0' + value % 10);
    }

    public string ToString(string? format, IFormatProvider? formatProvider) => ToString();

    public override string ToString() => Date.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
}
