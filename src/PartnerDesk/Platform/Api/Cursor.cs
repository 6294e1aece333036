using System.Buffers.Text;
using System.Globalization;
using System.Text;

namespace PartnerDesk.Platform.Api;

/// <summary>The opaque "where to go on" of a cursor-paged list: a positive number, base64url-encoded.</summary>
public static class Cursor
{
    public static string Encode(long position) =>
        Base64Url.EncodeToString(Encoding.UTF8.GetBytes("n:" + position.ToString(CultureInfo.InvariantCulture)));

    public static long? Decode(string cursor)
    {
        try
        {
            var text = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(cursor));
            return text.StartsWith("n:", StringComparison.Ordinal)
                && long.TryParse(text.AsSpan(2), NumberStyles.None, CultureInfo.InvariantCulture, out var number) && number > 0
                ? number
                : null;
        }
        catch (FormatException)
        {
            return null;
        }
    }
}
