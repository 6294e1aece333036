using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using MimeKit;
using PartnerDesk.Features.ServiceHealth;
using PartnerDesk.Features.Tickets;

namespace PartnerDesk.Features.Mail;

public sealed record MailAttachment(string FileName, string ContentType, byte[] Content);

/// <summary>What PartnerDesk takes from one received message. Every text in it is clean: no markup, no control characters.</summary>
public sealed record ReadMail(
    string MessageKey,
    string? MessageId,
    string? FromAddress,
    string? FromName,
    string Subject,
    IReadOnlyList<string> Thread,
    long? TicketNumber,
    string Body,
    IReadOnlyList<MailAttachment> Attachments,
    IReadOnlyList<string> Notes,
    string? Automatic);

/// <summary>
/// Reads a raw message into what a ticket needs (pure: no I/O, unit-tested with hostile input). HTML is
/// reduced to plain text, so nothing a sender writes ever renders as markup; a reply is cut at the line
/// PartnerDesk puts above its quoted mail.
/// </summary>
public static partial class MailParser
{
    /// <summary>The line above which a customer answers; every mail PartnerDesk sends starts with it.</summary>
    public const string ReplyAbove = "##- Bitte oberhalb dieser Zeile antworten / Please reply above this line -##";

    private static readonly ParserOptions Parsing = new() { CharsetEncoding = Encoding.Latin1, AllowAddressesWithoutDomain = false };

    /// <summary>Parses a message; throws <see cref="FormatException"/> when the bytes are not a message at all.</summary>
    public static ReadMail Read(byte[] raw, long attachmentLimit)
    {
        if (raw.Length == 0)
        {
            throw new FormatException("The message is empty.");
        }

        using var stream = new MemoryStream(raw, writable: false);
        var message = MimeMessage.Load(Parsing, stream);
        if (message.Headers.Count == 0)
        {
            throw new FormatException("The message has no headers.");
        }

        var messageId = Clean(message.MessageId, MailLimits.MessageId);
        var from = message.From.Mailboxes.FirstOrDefault() ?? message.Sender;
        var fromAddress = from?.Address is { } a && a.Contains('@', StringComparison.Ordinal) && a.Length <= MailLimits.Address ? Clean(a.ToLowerInvariant(), MailLimits.Address) : null;
        var subject = Clean(message.Subject, MailLimits.Subject) ?? "";
        List<string> thread = [];
        if (Clean(message.InReplyTo, MailLimits.MessageId) is { } inReplyTo)
        {
            thread.Add(inReplyTo);
        }

        // References run oldest to newest; the newest is the likeliest to be ours.
        for (var i = message.References.Count - 1; i >= 0 && thread.Count < 30; i--)
        {
            if (Clean(message.References[i], MailLimits.MessageId) is { } reference && !thread.Contains(reference))
            {
                thread.Add(reference);
            }
        }

        List<string> notes = [];
        List<MailAttachment> attachments = [];
        foreach (var part in message.Attachments.OfType<MimePart>())
        {
            var name = Clean(part.FileName, MailLimits.FileName) ?? "attachment";
            using var content = new MemoryStream();
            try
            {
                part.Content?.DecodeTo(content);
            }
            catch (Exception e) when (e is FormatException or InvalidOperationException or NotSupportedException)
            {
                notes.Add($"The attachment {name} could not be decoded and was not kept.");
                continue;
            }

            if (content.Length > attachmentLimit)
            {
                notes.Add($"The attachment {name} ({content.Length / 1024 / 1024.0:0.#} MB) is larger than {attachmentLimit / 1024 / 1024} MB and was not kept.");
                continue;
            }

            attachments.Add(new MailAttachment(name, Clean(part.ContentType.MimeType, 100) ?? "application/octet-stream", content.ToArray()));
        }

        var text = message.TextBody is { Length: > 0 } plain ? plain : HtmlText.ToPlain(message.HtmlBody, TicketLimits.Body * 2);
        var body = CleanBody(text);

        return new ReadMail(
            Key(messageId, raw), messageId, fromAddress, Clean(from?.Name, MailLimits.Name), subject, thread,
            TicketNumberIn(subject), body, attachments, notes, Automatic(message, fromAddress));
    }

    /// <summary>Why a message is automatic (an auto-reply, a bounce, a list mail), or null for a person's mail. RFC 3834 and common practice.</summary>
    public static string? Automatic(MimeMessage message, string? fromAddress)
    {
        var headers = message.Headers;
        if (headers[HeaderId.AutoSubmitted] is { } submitted && !submitted.Trim().StartsWith("no", StringComparison.OrdinalIgnoreCase))
        {
            return $"Auto-Submitted: {Clean(submitted, 100)}";
        }

        if (headers[HeaderId.Precedence] is { } precedence && precedence.Trim().ToLowerInvariant() is "bulk" or "junk" or "list" or "auto_reply")
        {
            return $"Precedence: {precedence.Trim()}";
        }

        foreach (var header in (string[])["X-Autoreply", "X-Autorespond", "X-Autoresponder"])
        {
            if (headers.Contains(header))
            {
                return $"{header} header";
            }
        }

        if (headers["X-Auto-Response-Suppress"] is { } suppress
            && suppress.Split(',', StringSplitOptions.TrimEntries).Any(v => v.Equals("All", StringComparison.OrdinalIgnoreCase) || v.Equals("OOF", StringComparison.OrdinalIgnoreCase)))
        {
            return $"X-Auto-Response-Suppress: {Clean(suppress, 100)}";
        }

        if (message.Body is MultipartReport report)
        {
            return $"a delivery or read report ({report.ReportType})";
        }

        if (message.Body is MessageDeliveryStatus)
        {
            return "a delivery status notification";
        }

        if (headers[HeaderId.ReturnPath] is { } returnPath && returnPath.Trim() == "<>")
        {
            return "sent with an empty return path (a bounce)";
        }

        var local = fromAddress?.Split('@')[0];
        if (local is "mailer-daemon" or "postmaster" or "noreply" or "no-reply" or "donotreply" or "do-not-reply")
        {
            return $"sent by {fromAddress}";
        }

        return null;
    }

    /// <summary>The ticket number PartnerDesk puts into the subject of its mail, "[PD-12]", when present.</summary>
    public static long? TicketNumberIn(string subject)
    {
        var match = SubjectNumber().Match(subject);
        return match.Success && long.TryParse(match.Groups[1].ValueSpan, out var number) ? number : null;
    }

    /// <summary>The subject without reply and forward prefixes (Re:, AW:, Fwd:, WG:) and without our ticket number.</summary>
    public static string Title(string subject)
    {
        var title = SubjectNumber().Replace(subject, "");
        title = Prefixes().Replace(title, "").Trim();
        return title.Length > TicketLimits.Title ? title[..TicketLimits.Title] : title;
    }

    /// <summary>The newest part of a reply: everything above PartnerDesk's marker line, without the "On … wrote:" line before it.</summary>
    public static string CleanBody(string text)
    {
        text = text.Replace("\r\n", "\n", StringComparison.Ordinal).Replace('\r', '\n');
        // The marker's distinctive first half: a mail client may wrap the quoted line after it.
        var marker = text.IndexOf(ReplyAbove[..ReplyAbove.IndexOf(" / ", StringComparison.Ordinal)], StringComparison.Ordinal);
        if (marker >= 0)
        {
            text = text[..marker];
            var lines = text.TrimEnd().Split('\n').ToList();
            while (lines.Count > 0 && (lines[^1].TrimStart().StartsWith('>') || string.IsNullOrWhiteSpace(lines[^1])))
            {
                lines.RemoveAt(lines.Count - 1);
            }

            if (lines.Count > 0 && WroteLine().IsMatch(lines[^1]))
            {
                lines.RemoveAt(lines.Count - 1);
            }

            text = string.Join('\n', lines);
        }

        var clean = new StringBuilder(Math.Min(text.Length, TicketLimits.Body));
        foreach (var c in text)
        {
            if (clean.Length >= TicketLimits.Body - 40)
            {
                clean.Append("\n[… the rest of the mail was cut]");
                break;
            }

            // Control characters other than line breaks and tabs never reach a ticket.
            if (c == '\n' || c == '\t' || !char.IsControl(c))
            {
                clean.Append(c);
            }
        }

        return clean.ToString().Trim();
    }

    /// <summary>Header text without line breaks or control characters (encoded words can carry CR LF), trimmed and cut to size.</summary>
    public static string? Clean(string? value, int maxLength)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        var clean = new StringBuilder(Math.Min(value.Length, maxLength));
        foreach (var c in value)
        {
            clean.Append(char.IsControl(c) ? ' ' : c);
            if (clean.Length >= maxLength)
            {
                break;
            }
        }

        var text = clean.ToString().Trim();
        return text.Length == 0 ? null : text;
    }

    /// <summary>SHA-256 of the Message-ID, or of the raw bytes when the message has none.</summary>
    public static string Key(string? messageId, byte[] raw) =>
        Convert.ToHexStringLower(messageId is null ? SHA256.HashData(raw) : SHA256.HashData(Encoding.UTF8.GetBytes(messageId)));

    [GeneratedRegex(@"\[PD-(\d{1,12})\]", RegexOptions.CultureInvariant)]
    private static partial Regex SubjectNumber();

    [GeneratedRegex(@"^(\s*(re|aw|fw|fwd|wg|antw|sv|vs)(\[\d+\])?\s*:\s*)+", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex Prefixes();

    [GeneratedRegex(@"^(On .+wrote:|Am .+schrieb.*:|.+<[^>]+@[^>]+>.*:)\s*$", RegexOptions.CultureInvariant)]
    private static partial Regex WroteLine();
}
