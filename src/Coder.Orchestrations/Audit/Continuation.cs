using System.Globalization;
using System.Text;

namespace Coder.Orchestrations.Audit;

/// <summary>
/// The audit query's continuation token: the day partition and row key of the last row returned, base64url-encoded.
/// Parsing accepts only that shape, so a hostile token never reaches a table filter as anything but a checked key.
/// </summary>
public static class Continuation
{
    const int MaxLength = 128;

    public static string Format(string dayKey, string rowKey) =>
        Convert.ToBase64String(Encoding.UTF8.GetBytes($"{dayKey}|{rowKey}")).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    /// <summary>The day and row key, or (null, "") when the token is not one <see cref="Format"/> made.</summary>
    public static (DateTime? Day, string Row) Parse(string token)
    {
        if (token.Length is 0 or > MaxLength) return (null, "");
        string base64 = token.Replace('-', '+').Replace('_', '/');
        base64 = base64.PadRight(base64.Length + (4 - base64.Length % 4) % 4, '=');
        Span<byte> bytes = stackalloc byte[MaxLength];
        if (!Convert.TryFromBase64String(base64, bytes, out int written)) return (null, "");
        string text = Encoding.UTF8.GetString(bytes[..written]);
        int bar = text.IndexOf('|');
        if (bar != 8 || !DateTime.TryParseExact(text[..8], "yyyyMMdd", CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var day)) return (null, "");
        string row = text[9..];
        bool wellFormed = row.Length is > 20 and <= 64 && row[..19].All(char.IsAsciiDigit) && row[19] == '-' && row[20..].All(c => char.IsAsciiLetterOrDigit(c) || c == '-');
        return wellFormed ? (DateTime.SpecifyKind(day.Date, DateTimeKind.Utc), row) : (null, "");
    }
}
