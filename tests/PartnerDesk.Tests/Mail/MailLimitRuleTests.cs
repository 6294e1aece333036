using System.Text;
using PartnerDesk.Features.Mail;

namespace PartnerDesk.Tests.Mail;

/// <summary>The pure rules behind the inbound limits: how a read is cut into batches, what "headers only" keeps.</summary>
public sealed class MailLimitRuleTests
{
    [Fact]
    public void A_batch_ends_at_its_count_or_before_its_bytes_and_a_larger_message_goes_alone()
    {
        long[] sizes = [10, 10, 10, 10, 10, 45, 10, 60, 5, 5];

        var batches = MailboxWatcher.Batches(Enumerable.Range(0, sizes.Length), i => sizes[i], count: 3, bytes: 50);

        Assert.Equal([[0, 1, 2], [3, 4], [5], [6], [7], [8, 9]], batches.Select(b => b.ToArray()).ToArray());
        Assert.All(batches, b => Assert.True(b.Count == 1 || b.Sum(i => sizes[i]) <= 50));
    }

    [Fact]
    public void Headers_only_keeps_the_header_block_of_crlf_and_lf_messages()
    {
        var crlf = Encoding.ASCII.GetBytes("From: a@b.example\r\nSubject: Big\r\n\r\nBODY\r\n\r\nMORE");
        var lf = Encoding.ASCII.GetBytes("From: a@b.example\nSubject: Big\n\nBODY");

        Assert.Equal("From: a@b.example\r\nSubject: Big\r\n", Encoding.ASCII.GetString(MailIntake.HeadersOf(crlf)));
        Assert.Equal("From: a@b.example\nSubject: Big\n", Encoding.ASCII.GetString(MailIntake.HeadersOf(lf)));
        Assert.Equal(64 * 1024, MailIntake.HeadersOf(new byte[100 * 1024]).Length);
    }
}
