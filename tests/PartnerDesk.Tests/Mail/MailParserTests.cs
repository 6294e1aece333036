using System.Text;
using PartnerDesk.Features.Mail;

namespace PartnerDesk.Tests.Mail;

/// <summary>The pure reading rules: automatic mail, threading by subject, titles, the reply cut, clean text.</summary>
public sealed class MailParserTests
{
    private static ReadMail Read(string text) => MailParser.Read(Encoding.UTF8.GetBytes(text.ReplaceLineEndings("\r\n")), 1024 * 1024);

    [Theory]
    [InlineData("Auto-Submitted: auto-replied\n", "Auto-Submitted")]
    [InlineData("Precedence: bulk\n", "Precedence")]
    [InlineData("Precedence: auto_reply\n", "Precedence")]
    [InlineData("X-Autoreply: yes\n", "X-Autoreply")]
    [InlineData("X-Auto-Response-Suppress: DR, OOF\n", "X-Auto-Response-Suppress")]
    [InlineData("Return-Path: <>\n", "bounce")]
    public void Automatic_mail_is_recognised_by_its_headers(string header, string reason)
    {
        var mail = Read($"From: it@adatum.example\nSubject: Out of office\n{header}\nI am away.\n");

        Assert.Contains(reason, mail.Automatic, StringComparison.Ordinal);
    }

    [Fact]
    public void A_delivery_report_and_mail_from_the_mailer_daemon_are_automatic_a_person_with_auto_submitted_no_is_not()
    {
        var report = Read("From: postmaster@adatum.example\nSubject: Undeliverable\nMIME-Version: 1.0\nContent-Type: multipart/report; report-type=delivery-status; boundary=\"r\"\n\n--r\nContent-Type: text/plain\n\nFailed.\n--r\nContent-Type: message/delivery-status\n\nReporting-MTA: dns; mail.adatum.example\n\nFinal-Recipient: rfc822; x@y.example\nAction: failed\nStatus: 5.1.1\n--r--\n");
        var daemon = Read("From: MAILER-DAEMON@adatum.example\nSubject: Returned\n\nSorry.\n");
        var person = Read("From: it@adatum.example\nSubject: Help\nAuto-Submitted: no\n\nA person wrote this.\n");

        Assert.NotNull(report.Automatic);
        Assert.NotNull(daemon.Automatic);
        Assert.Null(person.Automatic);
    }

    [Theory]
    [InlineData("Re: [PD-42] Outlook cannot connect", 42L, "Outlook cannot connect")]
    [InlineData("AW: WG: [PD-7] Drucker", 7L, "Drucker")]
    [InlineData("Fwd: Re: RE: Licences", null, "Licences")]
    [InlineData("PD-9 without brackets", null, "PD-9 without brackets")]
    public void The_ticket_number_and_title_come_from_the_subject(string subject, long? number, string title)
    {
        Assert.Equal(number, MailParser.TicketNumberIn(subject));
        Assert.Equal(title, MailParser.Title(subject));
    }

    [Fact]
    public void A_reply_is_cut_at_the_marker_without_the_wrote_line_and_quotes()
    {
        var body = MailParser.CleanBody($"It works now, thanks!\r\n\r\nAm 24.11.2026 um 10:00 schrieb Contoso <support@contoso.example>:\r\n> {MailParser.ReplyAbove}\r\n> Please restart.\r\n");

        Assert.Equal("It works now, thanks!", body);
    }

    [Fact]
    public void Header_text_loses_line_breaks_and_control_characters_and_text_keeps_only_printable_characters()
    {
        Assert.Equal("Help  Bcc: victim@evil.example", MailParser.Clean("Help\r\nBcc: victim@evil.example", 100));
        Assert.Equal("ab\ncd", MailParser.CleanBody("a\u0007b\r\ncd\u0000"));
        Assert.Null(MailParser.Clean(" \t ", 10));
    }

    [Fact]
    public void Html_becomes_plain_text_and_a_message_without_message_id_gets_a_key_from_its_bytes()
    {
        var raw = "From: it@adatum.example\nSubject: Html\nContent-Type: text/html\n\n<p>Hello <b>there</b></p><script>alert(1)</script>\n";
        var mail = Read(raw);
        var again = Read(raw);

        Assert.Equal("Hello there", mail.Body.Trim());
        Assert.Null(mail.MessageId);
        Assert.Equal(mail.MessageKey, again.MessageKey);
        Assert.NotEqual(mail.MessageKey, Read(raw + "x").MessageKey);
    }

    [Fact]
    public void Threading_ids_come_newest_first_from_in_reply_to_and_references()
    {
        var mail = Read("From: it@adatum.example\nSubject: Re: x\nMessage-ID: <c@adatum.example>\nIn-Reply-To: <b@contoso.example>\nReferences: <a@contoso.example> <b@contoso.example>\n\nok\n");

        Assert.Equal(["b@contoso.example", "a@contoso.example"], mail.Thread);
    }

    [Fact]
    public void An_empty_message_cannot_be_read()
    {
        Assert.Throws<FormatException>(() => MailParser.Read([], 10));
    }
}
