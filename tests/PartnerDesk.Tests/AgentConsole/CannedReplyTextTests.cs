using PartnerDesk.Features.AgentConsole;

namespace PartnerDesk.Tests.AgentConsole;

public sealed class CannedReplyTextTests
{
    private static readonly ReplyPlaceholders Values = new("Adatum Corporation", "Anna Becker", "PD-42", "Diego Siciliani");

    [Fact]
    public void Placeholders_are_filled_and_double_braces_write_a_brace()
    {
        Assert.Equal("Hello Anna Becker, about PD-42 for Adatum Corporation: {json}. Diego Siciliani",
            CannedReplyText.Fill("Hello {contact}, about {ticket} for {customer}: {{json}}. {agent}", Values));
        Assert.Equal("Hi Anna Becker", CannedReplyText.Fill("Hi { Contact }", Values)); // as written by hand
    }

    [Fact]
    public void A_ticket_without_a_contact_greets_the_customer()
    {
        Assert.Equal("Hello Adatum Corporation,", CannedReplyText.Fill("Hello {contact},", Values with { Contact = null }));
    }

    [Fact]
    public void Unknown_placeholders_are_named_and_left_as_written()
    {
        Assert.Equal(["{firstname}", "{ticket"], CannedReplyText.Unknown("Dear {firstname}, see {ticket"));
        Assert.Empty(CannedReplyText.Unknown("Dear {contact}, {{ and }} } are text"));
        Assert.Equal("Dear {firstname}, see {ticket", CannedReplyText.Fill("Dear {firstname}, see {ticket", Values));
    }

    [Theory]
    [InlineData("de", "de")]
    [InlineData("de-AT", "de")]
    [InlineData("en", "en")]
    [InlineData("fr", "en")]
    [InlineData(null, "en")]
    public void The_contacts_language_chooses_the_body(string? contactLanguage, string expected)
    {
        var reply = new CannedReply { Title = "t", BodyEn = "en", BodyDe = "de", UpdatedBy = "a" };
        Assert.Equal(expected, CannedReplyText.LanguageOf(contactLanguage));
        Assert.Equal(expected, CannedReplyText.BodyFor(reply, contactLanguage));
    }
}
