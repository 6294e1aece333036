using PartnerDesk.Features.Tickets;
using PartnerDesk.Platform.Api;

namespace PartnerDesk.Tests.Domain;

public sealed class TicketRuleTests
{
    [Theory]
    [InlineData(TicketStatus.New, true, MessageVisibility.Public, TicketStatus.Open)]
    [InlineData(TicketStatus.New, true, MessageVisibility.Internal, TicketStatus.New)]
    [InlineData(TicketStatus.New, false, MessageVisibility.Public, TicketStatus.New)]
    [InlineData(TicketStatus.PendingCustomer, false, MessageVisibility.Public, TicketStatus.Open)]
    [InlineData(TicketStatus.Resolved, false, MessageVisibility.Public, TicketStatus.Open)]
    [InlineData(TicketStatus.PendingCustomer, true, MessageVisibility.Public, TicketStatus.PendingCustomer)]
    [InlineData(TicketStatus.Escalated, false, MessageVisibility.Public, TicketStatus.Escalated)]
    [InlineData(TicketStatus.Closed, true, MessageVisibility.Public, TicketStatus.Closed)]
    public void A_reply_moves_the_status_as_a_helpdesk_expects(TicketStatus current, bool byAgent, MessageVisibility visibility, TicketStatus expected) =>
        Assert.Equal(expected, TicketMessages.NextStatus(current, byAgent, visibility));

    [Theory]
    [InlineData("PD-12", 12L)]
    [InlineData("pd-7", 7L)]
    [InlineData("42", 42L)]
    public void Ticket_numbers_parse(string text, long expected)
    {
        Assert.True(TicketNumber.TryParse(text, out var number));
        Assert.Equal(expected, number);
        Assert.Equal($"PD-{expected}", TicketNumber.Format(number));
    }

    [Theory]
    [InlineData("PD-")]
    [InlineData("PD--1")]
    [InlineData("PD-0")]
    [InlineData("abc")]
    [InlineData(null)]
    public void Not_a_ticket_number(string? text) => Assert.False(TicketNumber.TryParse(text, out _));

    [Fact]
    public void Cursor_round_trips_and_rejects_garbage()
    {
        Assert.Equal(123456L, Cursor.Decode(Cursor.Encode(123456)));
        Assert.Null(Cursor.Decode("%%%"));
        Assert.Null(Cursor.Decode("bjotMQ")); // "n:-1"
        Assert.Null(Cursor.Decode(""));
    }

    [Theory]
    [InlineData("$.severity", "severity")]
    [InlineData("$.requester.email", "requester.email")]
    [InlineData("$", null)]
    [InlineData(null, null)]
    public void Json_paths_become_field_names(string? path, string? field) =>
        Assert.Equal(field, BadRequestProblemHandler.FieldName(path));
}
