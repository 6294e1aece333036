using PartnerDesk.Features.Satisfaction;
using PartnerDesk.Features.Tickets;

namespace PartnerDesk.Tests.Satisfaction;

/// <summary>The survey's pure rules: what a rating may hold, who may rate when, what counts as low, the default words.</summary>
public sealed class SurveyRuleTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(5)]
    public void A_score_from_1_to_5_with_a_comment_within_the_limit_is_accepted(int score) =>
        Assert.False(SurveyRules.Check(score, new string('x', SurveyRules.CommentLength)).Any);

    [Theory]
    [InlineData(0)]
    [InlineData(6)]
    [InlineData(-1)]
    [InlineData(null)]
    public void A_score_outside_1_to_5_or_missing_names_the_score(int? score)
    {
        var errors = SurveyRules.Check(score, null);
        Assert.Equal(["score"], errors.Fields);
    }

    [Fact]
    public void A_comment_over_2000_characters_names_the_comment() =>
        Assert.Equal(["comment"], SurveyRules.Check(3, new string('x', SurveyRules.CommentLength + 1)).Fields);

    [Theory]
    [InlineData(TicketStatus.Resolved)]
    [InlineData(TicketStatus.Closed)]
    public void The_requester_may_rate_a_resolved_or_closed_ticket_once(TicketStatus status)
    {
        var contact = Guid.NewGuid();
        var at = DateTimeOffset.UnixEpoch;
        Assert.Null(SurveyRules.MayRate(true, status, at, contact, contact, ratedAlready: false));
        Assert.Equal(SurveyRefusal.AlreadyRated, SurveyRules.MayRate(true, status, at, contact, contact, ratedAlready: true));
    }

    [Fact]
    public void Surveys_off_an_open_ticket_and_another_person_are_refused()
    {
        var contact = Guid.NewGuid();
        var at = DateTimeOffset.UnixEpoch;
        Assert.Equal(SurveyRefusal.SurveysOff, SurveyRules.MayRate(false, TicketStatus.Resolved, at, contact, contact, false));
        Assert.Equal(SurveyRefusal.NotResolved, SurveyRules.MayRate(true, TicketStatus.Open, null, contact, contact, false));
        Assert.Equal(SurveyRefusal.NotResolved, SurveyRules.MayRate(true, TicketStatus.Resolved, null, contact, contact, false));
        Assert.Equal(SurveyRefusal.NotTheRequester, SurveyRules.MayRate(true, TicketStatus.Resolved, at, contact, Guid.NewGuid(), false));
        Assert.Equal(SurveyRefusal.NotTheRequester, SurveyRules.MayRate(true, TicketStatus.Resolved, at, null, contact, false));
    }

    [Fact]
    public void A_link_belongs_to_one_resolution_only()
    {
        var at = new DateTimeOffset(2026, 12, 5, 10, 0, 0, TimeSpan.Zero);
        Assert.True(SurveyRules.SameResolution(at, at.ToOffset(TimeSpan.FromHours(1))));
        Assert.False(SurveyRules.SameResolution(null, at)); // reopened
        Assert.False(SurveyRules.SameResolution(at.AddMinutes(5), at)); // resolved anew
    }

    [Theory]
    [InlineData(1, 2, true)]
    [InlineData(2, 2, true)]
    [InlineData(3, 2, false)]
    [InlineData(1, 0, false)]
    [InlineData(4, 4, true)]
    public void A_score_at_or_below_the_threshold_is_low(int score, int threshold, bool low) =>
        Assert.Equal(low, SurveyRules.IsLow(score, threshold));

    [Theory]
    [InlineData(-1, true)]
    [InlineData(0, false)]
    [InlineData(4, false)]
    [InlineData(5, true)]
    public void The_alert_threshold_is_0_to_4(int threshold, bool refused) =>
        Assert.Equal(refused, SurveyRules.CheckThreshold(threshold, new Platform.Api.FieldErrors()).Has("alertAtOrBelow"));

    [Fact]
    public void The_words_default_per_language_and_the_organisations_own_words_win()
    {
        Assert.Contains("satisfied", SurveyRules.Question(null, "en"), StringComparison.Ordinal);
        Assert.Contains("zufrieden", SurveyRules.Question(null, "de"), StringComparison.Ordinal);
        Assert.StartsWith("Vielen Dank", SurveyRules.Thanks(null, "de"), StringComparison.Ordinal);
        var own = new SatisfactionSurvey { QuestionEn = "  How did we do?  ", QuestionDe = " ", ThanksDe = "Danke!" };
        Assert.Equal("How did we do?", SurveyRules.Question(own, "en"));
        Assert.Equal(SurveyRules.Question(null, "de"), SurveyRules.Question(own, "de")); // blank: the default
        Assert.Equal("Danke!", SurveyRules.Thanks(own, "de"));
    }
}
