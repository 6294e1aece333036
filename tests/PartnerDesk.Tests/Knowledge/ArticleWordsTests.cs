using PartnerDesk.Features.Knowledge;

namespace PartnerDesk.Tests.Knowledge;

public sealed class ArticleWordsTests
{
    [Fact]
    public void Words_are_lower_case_without_accents_stop_words_or_punctuation()
    {
        Assert.Equal(["outlook", "fragt", "standig", "kennwort", "strasse", "365"], ArticleWords.Of("Outlook fragt ständig nach dem Kennwort! Straße, 365 a"));
    }

    [Fact]
    public void Title_words_weigh_more_than_body_words_and_an_article_keeps_its_strongest_words()
    {
        var weights = ArticleWords.Index("Printer offline", "The printer is offline since the update. Update the driver.", null);
        Assert.True(weights["printer"] > weights["driver"]);
        Assert.True(weights["update"] > weights["driver"]); // said twice

        var many = ArticleWords.Index("t", string.Join(' ', Enumerable.Range(0, 1000).Select(i => $"word{i}")), null);
        Assert.Equal(ArticleWords.PerArticle, many.Count);
    }
}
