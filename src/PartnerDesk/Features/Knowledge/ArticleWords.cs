using System.Globalization;
using System.Text;

namespace PartnerDesk.Features.Knowledge;

/// <summary>
/// Words for the search index and for queries (pure): lower case, accents folded (ä → a, ß → ss), split on
/// anything that is not a letter or digit, without the commonest English and German words. Title words weigh
/// three times a body word; a word's weight in an article grows slowly with how often it appears.
/// </summary>
public static class ArticleWords
{
    private static readonly HashSet<string> Stop =
    [
        "the", "and", "for", "are", "but", "not", "you", "your", "all", "can", "was", "with", "this", "that", "from", "have", "has",
        "how", "what", "when", "which", "who", "will", "into", "our", "out", "its", "use", "does", "did", "there", "their", "them",
        "der", "die", "das", "und", "ist", "ein", "eine", "einen", "mit", "von", "den", "dem", "des", "auf", "fur", "nicht", "sich",
        "wie", "ich", "sie", "wir", "ihr", "bei", "aus", "auch", "oder", "wird", "sind", "kann", "zum", "zur", "nach", "noch",
    ];

    public static List<string> Of(string? text, int max = 2000)
    {
        List<string> words = [];
        if (string.IsNullOrEmpty(text))
        {
            return words;
        }

        var word = new StringBuilder();
        void Flush()
        {
            if (word.Length >= 2 && word.Length <= ArticleLimits.Term)
            {
                var w = word.ToString();
                if (!Stop.Contains(w))
                {
                    words.Add(w);
                }
            }

            word.Clear();
        }

        foreach (var c in text.Normalize(NormalizationForm.FormD))
        {
            if (words.Count >= max)
            {
                break;
            }

            if (CharUnicodeInfo.GetUnicodeCategory(c) == UnicodeCategory.NonSpacingMark)
            {
                continue; // the accent of a decomposed letter
            }

            if (char.IsLetterOrDigit(c))
            {
                if (c == 'ß')
                {
                    word.Append("ss");
                }
                else
                {
                    word.Append(char.ToLowerInvariant(c));
                }
            }
            else
            {
                Flush();
            }
        }

        Flush();
        return words;
    }

    /// <summary>Words kept per article: the strongest; a long article's rarest words find it seldom anyway.</summary>
    public const int PerArticle = 200;

    /// <summary>The weighted words of an article: each distinct word once, the strongest <see cref="PerArticle"/>.</summary>
    public static Dictionary<string, float> Index(string title, string body, string? service)
    {
        var weights = new Dictionary<string, float>(StringComparer.Ordinal);
        foreach (var (text, weight) in (ReadOnlySpan<(string?, float)>)[(title, 3f), (service, 2f), (body, 1f)])
        {
            foreach (var word in Of(text))
            {
                weights[word] = weights.GetValueOrDefault(word) + weight;
            }
        }

        // Repetition helps, with diminishing returns: a word said ten times is not ten times as relevant.
        return weights.OrderByDescending(w => w.Value).ThenBy(w => w.Key, StringComparer.Ordinal).Take(PerArticle)
            .ToDictionary(w => w.Key, w => MathF.Round(MathF.Log2(1 + w.Value), 3), StringComparer.Ordinal);
    }
}
