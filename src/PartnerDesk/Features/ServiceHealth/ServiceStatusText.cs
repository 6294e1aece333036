namespace PartnerDesk.Features.ServiceHealth;

/// <summary>Microsoft's status values (serviceDegradation) as words people read (Service degradation).</summary>
public static class ServiceStatusText
{
    public static string Words(string status)
    {
        if (string.IsNullOrEmpty(status))
        {
            return "";
        }

        var words = new System.Text.StringBuilder(status.Length + 8);
        words.Append(char.ToUpperInvariant(status[0]));
        foreach (var c in status.AsSpan(1))
        {
            if (char.IsUpper(c))
            {
                words.Append(' ').Append(char.ToLowerInvariant(c));
            }
            else
            {
                words.Append(c);
            }
        }

        return words.ToString();
    }

    /// <summary>The CSS tone of a status: ok, warn or bad.</summary>
    public static string Tone(string status) => status switch
    {
        "serviceOperational" or "serviceRestored" or "resolved" or "postIncidentReviewPublished" or "falsePositive" or "resolvedExternal" => "ok",
        "serviceInterruption" => "bad",
        _ => "warn",
    };
}
