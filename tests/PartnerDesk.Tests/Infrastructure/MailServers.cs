using System.Diagnostics;
using System.Net.Sockets;
using System.Text;
using MailKit;
using MailKit.Net.Imap;
using MailKit.Net.Smtp;
using MailKit.Search;
using MimeKit;

namespace PartnerDesk.Tests.Infrastructure;

/// <summary>
/// Real Postfix (SMTP) and Dovecot (IMAP) on loopback, started once per test run by tools/mailservers.sh and
/// stopped when the run ends. Every address at every domain is a mailbox with the same password, so each
/// test takes fresh addresses (<see cref="Address"/>) and shares no mailbox with another.
/// </summary>
public sealed class MailServers
{
    private static readonly Lazy<Task<MailServers>> Shared = new(StartAsync);

    public static Task<MailServers> Instance => Shared.Value;

    public string Host { get; private init; } = "127.0.0.1";
    public int ImapPort { get; private init; }
    public int SmtpPort { get; private init; }
    public string Password { get; private init; } = "";
    public string DovecotConfig { get; private init; } = "";

    /// <summary>A mailbox address nobody else uses.</summary>
    public static string Address(string name, string domain) => $"{name}-{Guid.NewGuid():N}"[..(name.Length + 13)] + "@" + domain;

    private static async Task<MailServers> StartAsync()
    {
        var root = FindRepository();
        var dir = Path.Combine(Path.GetTempPath(), $"pd-mail-{Environment.ProcessId}-{Guid.NewGuid():N}"[..30]);
        var start = new ProcessStartInfo("bash", [Path.Combine(root, "tools", "mailservers.sh"), "start"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
        };
        start.Environment["MAILTEST_DIR"] = dir;
        using var process = Process.Start(start)!;
        process.StandardInput.Close();
        var output = await process.StandardOutput.ReadToEndAsync();
        var errors = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"The mail servers did not start (tools/mailservers.sh, needs root and postfix, dovecot-imapd, dovecot-lmtpd; ./test.sh installs them):\n{errors}");
        }

        var env = output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split('=', 2)).Where(p => p.Length == 2).ToDictionary(p => p[0], p => p[1]);
        AppDomain.CurrentDomain.ProcessExit += (_, _) => Stop(root, dir);
        return new MailServers
        {
            ImapPort = int.Parse(env["IMAP_PORT"], System.Globalization.CultureInfo.InvariantCulture),
            SmtpPort = int.Parse(env["SMTP_PORT"], System.Globalization.CultureInfo.InvariantCulture),
            Password = env["MAIL_PASSWORD"],
            DovecotConfig = env["DOVECOT_CONF"],
        };
    }

    private static void Stop(string root, string dir)
    {
        var stop = new ProcessStartInfo("bash", [Path.Combine(root, "tools", "mailservers.sh"), "stop"]) { RedirectStandardError = true, RedirectStandardOutput = true };
        stop.Environment["MAILTEST_DIR"] = dir;
        using var process = Process.Start(stop)!;
        process.WaitForExit(20_000);
    }

    private static string FindRepository()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "tools", "mailservers.sh")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("tools/mailservers.sh not found above the test binaries.");
    }

    /// <summary>Sends a message through Postfix, as a customer's mail client would.</summary>
    public async Task Send(MimeMessage message)
    {
        using var smtp = new SmtpClient();
        await smtp.ConnectAsync(Host, SmtpPort, MailKit.Security.SecureSocketOptions.None);
        await smtp.SendAsync(message);
        await smtp.DisconnectAsync(true);
    }

    /// <summary>Puts bytes into a mailbox exactly as given (a raw IMAP APPEND: MailKit would re-serialise a hostile message).</summary>
    public async Task AppendRaw(string address, byte[] raw)
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(Host, ImapPort);
        var stream = tcp.GetStream();
        var reader = new StreamReader(stream, Encoding.ASCII);
        async Task<string> Until(string tag)
        {
            while (true)
            {
                var line = await reader.ReadLineAsync() ?? throw new IOException("IMAP closed the connection.");
                if (line.StartsWith(tag, StringComparison.Ordinal))
                {
                    return line;
                }
            }
        }

        async Task Write(string text) => await stream.WriteAsync(Encoding.ASCII.GetBytes(text));
        await Until("* OK");
        await Write($"a LOGIN \"{address}\" \"{Password}\"\r\n");
        Assert.StartsWith("a OK", await Until("a "), StringComparison.Ordinal);
        await Write($"b APPEND INBOX {{{raw.Length}}}\r\n");
        await Until("+");
        await stream.WriteAsync(raw);
        await Write("\r\n");
        var appended = await Until("b ");
        Assert.True(appended.StartsWith("b OK", StringComparison.Ordinal), appended);
        await Write("c LOGOUT\r\n");
    }

    /// <summary>Waits until the mailbox holds at least <paramref name="count"/> messages and returns them all (delivery takes a moment).</summary>
    public async Task<IReadOnlyList<MimeMessage>> Inbox(string address, int count = 1, int waitSeconds = 20)
    {
        var until = DateTime.UtcNow.AddSeconds(waitSeconds);
        while (true)
        {
            using var imap = new ImapClient();
            await imap.ConnectAsync(Host, ImapPort, MailKit.Security.SecureSocketOptions.None);
            await imap.AuthenticateAsync(address, Password);
            await imap.Inbox.OpenAsync(FolderAccess.ReadOnly);
            if (imap.Inbox.Count >= count || DateTime.UtcNow > until)
            {
                var messages = new List<MimeMessage>();
                for (var i = 0; i < imap.Inbox.Count; i++)
                {
                    messages.Add(await imap.Inbox.GetMessageAsync(i));
                }

                return messages;
            }

            await imap.DisconnectAsync(true);
            await Task.Delay(100);
        }
    }

    /// <summary>The UIDs of the mailbox's messages that are flagged \Seen.</summary>
    public async Task<int> SeenCount(string address)
    {
        using var imap = new ImapClient();
        await imap.ConnectAsync(Host, ImapPort, MailKit.Security.SecureSocketOptions.None);
        await imap.AuthenticateAsync(address, Password);
        await imap.Inbox.OpenAsync(FolderAccess.ReadOnly);
        return (await imap.Inbox.SearchAsync(SearchQuery.Seen)).Count;
    }

    /// <summary>A mailbox request body for PartnerDesk: this server, plain login (loopback only).</summary>
    public object MailboxRequest(string address, bool? isDefault = null) => new
    {
        address,
        imapHost = Host,
        imapPort = ImapPort,
        imapSecurity = "None",
        smtpHost = Host,
        smtpPort = SmtpPort,
        smtpSecurity = "None",
        login = "Password",
        userName = address,
        password = Password,
        isDefault,
    };
}
