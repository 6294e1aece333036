using System.Collections.Frozen;
using System.Globalization;
using System.Text;

namespace PartnerDesk.Features.ServiceHealth;

/// <summary>What the matcher needs to know of an issue.</summary>
public sealed record IssueText(Guid Id, string Service, string? Feature, string? FeatureGroup, string Title, string ImpactDescription);

/// <summary>An issue's words reduced once to the concepts the matcher compares.</summary>
public sealed class PreparedIssue
{
    internal PreparedIssue(Guid id, string service, ConceptVector concepts)
    {
        Id = id;
        Service = service;
        Concepts = concepts;
    }

    public Guid Id { get; }
    public string Service { get; }
    internal ConceptVector Concepts { get; }
}

public sealed class PreparedTicket
{
    internal PreparedTicket(string? service, ConceptVector concepts, HashSet<string> mentionedServices)
    {
        Service = service;
        Concepts = concepts;
        MentionedServices = mentionedServices;
    }

    public string? Service { get; }
    internal ConceptVector Concepts { get; }
    internal HashSet<string> MentionedServices { get; }
}

/// <summary>
/// Weighted concepts as parallel arrays sorted by a 64-bit hash of the concept: comparing two is one
/// merge over integers, without string hashing (a ticket is scored against hundreds of issues).
/// </summary>
internal sealed class ConceptVector
{
    private ConceptVector(long[] keys, double[] weights, double norm)
    {
        Keys = keys;
        Weights = weights;
        Norm = norm;
    }

    public long[] Keys { get; }
    public double[] Weights { get; }
    public double Norm { get; }

    public static ConceptVector From(Dictionary<string, double> concepts)
    {
        var keys = new long[concepts.Count];
        var weights = new double[concepts.Count];
        var i = 0;
        var sum = 0.0;
        foreach (var (concept, weight) in concepts)
        {
            keys[i] = Fnv1a(concept);
            weights[i++] = weight;
            sum += weight * weight;
        }

        Array.Sort(keys, weights);
        return new ConceptVector(keys, weights, Math.Sqrt(sum));
    }

    /// <summary>The weighted overlap and how many concepts are shared.</summary>
    public (double Overlap, int Shared) Overlap(ConceptVector other)
    {
        double overlap = 0;
        int shared = 0, i = 0, j = 0;
        while (i < Keys.Length && j < other.Keys.Length)
        {
            var a = Keys[i];
            var b = other.Keys[j];
            if (a == b)
            {
                overlap += Weights[i++] * other.Weights[j++];
                shared++;
            }
            else if (a < b)
            {
                i++;
            }
            else
            {
                j++;
            }
        }

        return (overlap, shared);
    }

    private static long Fnv1a(string text)
    {
        var hash = unchecked((long)14695981039346656037UL);
        foreach (var c in text)
        {
            hash = unchecked((hash ^ c) * 1099511628211L);
        }

        return hash;
    }
}

public sealed record KnownIssueMatch(Guid IssueId, double Score);

/// <summary>
/// Decides whether a ticket looks caused by an active Microsoft service health issue. Pure, so it is
/// unit-tested and measured on a labelled set (tests/PartnerDesk.Tests/ServiceHealth/known-issue-pairs.json).
///
/// The rule (README.md beside this file explains it): words of both texts, English or German, are folded
/// to concepts (synonyms, stems, parts of German compounds); the text score is the cosine of the two
/// weighted concept sets; it is multiplied by the service evidence — the ticket's named service must be
/// the issue's (a different one rules the issue out), and when the ticket names none, the services its
/// words point to count for or against. A ticket matches when the product reaches <see cref="Threshold"/>.
/// Precision matters more than recall: a wrong "known issue" sends a customer away with a wrong answer.
/// </summary>
public static class KnownIssueMatcher
{
    public const double Threshold = 0.30;

    public static PreparedIssue Prepare(IssueText issue)
    {
        var concepts = new Dictionary<string, double>(StringComparer.Ordinal);
        Add(concepts, issue.Title, 1.0);
        Add(concepts, issue.ImpactDescription, 1.0);
        Add(concepts, issue.Feature, 0.5);
        Add(concepts, issue.FeatureGroup, 0.5);
        return new PreparedIssue(issue.Id, Normalise(issue.Service), ConceptVector.From(concepts));
    }

    public static PreparedTicket PrepareTicket(string title, string description, string? service)
    {
        var concepts = new Dictionary<string, double>(StringComparer.Ordinal);
        var mentioned = new HashSet<string>(StringComparer.Ordinal);
        Add(concepts, title, 1.0, mentioned);
        Add(concepts, description, 0.7, mentioned);

        var named = string.IsNullOrWhiteSpace(service) ? null : Normalise(service);
        return new PreparedTicket(named is "microsoft 365" ? null : named, ConceptVector.From(concepts), mentioned);
    }

    public static double Score(PreparedTicket ticket, PreparedIssue issue)
    {
        var serviceEvidence = ServiceEvidence(ticket, issue);
        if (serviceEvidence == 0 || ticket.Concepts.Norm == 0 || issue.Concepts.Norm == 0)
        {
            return 0;
        }

        var (overlap, shared) = ticket.Concepts.Overlap(issue.Concepts);

        // One shared word is a coincidence more often than a diagnosis.
        return shared < 2 ? 0 : serviceEvidence * overlap / (ticket.Concepts.Norm * issue.Concepts.Norm);
    }

    /// <summary>The issues that match, best first.</summary>
    public static List<KnownIssueMatch> Match(PreparedTicket ticket, IEnumerable<PreparedIssue> issues, int max = 3)
    {
        var matches = new List<KnownIssueMatch>();
        foreach (var issue in issues)
        {
            var score = Score(ticket, issue);
            if (score >= Threshold)
            {
                matches.Add(new KnownIssueMatch(issue.Id, Math.Round(score, 3)));
            }
        }

        matches.Sort((a, b) => b.Score.CompareTo(a.Score));
        return matches.Count > max ? matches[..max] : matches;
    }

    private static double ServiceEvidence(PreparedTicket ticket, PreparedIssue issue)
    {
        var suite = issue.Service is "microsoft 365 suite";
        if (ticket.Service is { } named)
        {
            // Customers pick the wrong service at times; their words then have to name the right one.
            return named == issue.Service ? 1.0 : suite ? 0.7 : ticket.MentionedServices.Contains(issue.Service) ? 0.8 : 0.0;
        }

        if (ticket.MentionedServices.Count == 0)
        {
            return 0.75;
        }

        return ticket.MentionedServices.Contains(issue.Service) ? 1.0 : suite ? 0.7 : 0.35;
    }

    private static string Normalise(string service) => service.Trim().ToLowerInvariant() switch
    {
        "azure active directory" or "azure ad" or "microsoft entra" => "microsoft entra id",
        "onedrive" => "onedrive for business",
        "dynamics 365" => "dynamics 365 apps",
        var s => s,
    };

    private static void Add(Dictionary<string, double> concepts, string? text, double weight, HashSet<string>? mentionedServices = null)
    {
        if (string.IsNullOrEmpty(text))
        {
            return;
        }

        foreach (var word in Words(text))
        {
            foreach (var concept in ConceptsOf(word))
            {
                if (mentionedServices is not null && ServiceOfConcept.TryGetValue(concept, out var service))
                {
                    mentionedServices.Add(service);
                }

                // The service's own name is the service evidence's business, not the text's.
                if (ServiceNames.Contains(concept))
                {
                    continue;
                }

                var w = weight * (WeakConcepts.Contains(concept) ? 0.4 : 1.0);
                if (!concepts.TryGetValue(concept, out var known) || known < w)
                {
                    concepts[concept] = w;
                }
            }
        }
    }

    /// <summary>Lower-case words with umlauts and accents folded (ä → ae), split on anything not a letter or digit.</summary>
    internal static IEnumerable<string> Words(string text)
    {
        var word = new StringBuilder(16);
        foreach (var raw in text)
        {
            var c = char.ToLowerInvariant(raw);
            if (char.IsLetterOrDigit(c))
            {
                switch (c)
                {
                    case 'ä': word.Append("ae"); break;
                    case 'ö': word.Append("oe"); break;
                    case 'ü': word.Append("ue"); break;
                    case 'ß': word.Append("ss"); break;
                    default:
                        word.Append(c < 128 ? c : Fold(c));
                        break;
                }
            }
            else if (c is '-' or '\'' && word.Length > 0)
            {
                // e-mail, sign-in, can't: one word.
            }
            else if (word.Length > 0)
            {
                yield return word.ToString();
                word.Clear();
            }
        }

        if (word.Length > 0)
        {
            yield return word.ToString();
        }
    }

    private static char Fold(char c)
    {
        var decomposed = c.ToString().Normalize(NormalizationForm.FormD);
        return decomposed.Length > 0 && CharUnicodeInfo.GetUnicodeCategory(decomposed[0]) != UnicodeCategory.NonSpacingMark ? decomposed[0] : c;
    }

    internal static IEnumerable<string> ConceptsOf(string word)
    {
        if (word.Length < 2 || StopWords.Contains(word))
        {
            yield break;
        }

        if (Synonyms.TryGetValue(word, out var concept))
        {
            yield return concept;
            yield break;
        }

        var stem = Stem(word);
        if (Synonyms.TryGetValue(stem, out concept))
        {
            yield return concept;
            yield break;
        }

        if (StopWords.Contains(stem) || stem.Length < 3)
        {
            yield break;
        }

        // German compounds (Postfachzugriff, Kalenderfreigabe): the known parts they contain.
        var found = false;
        if (word.Length >= 8)
        {
            foreach (var (part, partConcept) in CompoundParts)
            {
                if (word.Contains(part, StringComparison.Ordinal))
                {
                    found = true;
                    yield return partConcept;
                }
            }
        }

        if (!found)
        {
            yield return stem;
        }
    }

    private static string Stem(string word)
    {
        if (word.Length <= 4 || word.Any(char.IsDigit))
        {
            return word;
        }

        foreach (var suffix in Suffixes)
        {
            if (word.Length - suffix.Length >= 4 && word.EndsWith(suffix, StringComparison.Ordinal))
            {
                return word[..^suffix.Length];
            }
        }

        return word;
    }

    private static readonly string[] Suffixes = ["ungen", "ation", "ieren", "ingly", "ung", "ing", "ies", "ied", "ed", "es", "en", "er", "ly", "s", "e", "t"];

    private static readonly FrozenSet<string> StopWords = FrozenSet.ToFrozenSet(
    [
        // English
        "the", "a", "an", "and", "or", "but", "of", "to", "in", "on", "at", "for", "from", "by", "with", "without", "is", "are", "was",
        "were", "be", "been", "being", "it", "its", "this", "that", "these", "those", "we", "our", "us", "you", "your", "they", "their",
        "them", "he", "she", "his", "her", "i", "me", "my", "some", "any", "all", "may", "might", "can", "could", "cannot", "can't", "cant",
        "not", "no", "dont", "don't", "doesn't", "doesnt", "isn't", "isnt", "won't", "wont", "didn't", "didnt", "do", "does", "did", "have", "has", "had",
        "will", "would", "should", "since", "when", "while", "again", "still", "also", "just", "please", "help", "hi", "hello", "thanks",
        "thank", "regards", "user", "users", "admin", "admins", "unable", "able", "issue", "issues", "problem", "problems", "experience",
        "experiencing", "affected", "impact", "impacted", "some", "one", "more", "there", "here", "what", "which", "who", "how", "if",
        "so", "as", "about", "into", "today", "morning", "now", "since", "anymore", "working", "work", "works", "broken", "error", "errors",
        "get", "getting", "gets", "see", "seeing", "seen", "use", "using", "via", "through", "other", "same", "several", "many", "across",
        "urgent", "asap", "company", "team", "colleagues", "colleague", "people", "everyone", "nobody", "anyone", "someone", "office", "our",
        "microsoft", "service", "services", "online", "feature", "features", "components", "component", "management",
        "experience", "expected", "longer", "take", "takes", "incorrectly", "multiple", "new", "using", "within", "certain", "specific",
        // German
        "der", "die", "das", "den", "dem", "des", "ein", "eine", "einen", "einem", "einer", "und", "oder", "aber", "von", "zu", "zum",
        "zur", "im", "in", "am", "an", "auf", "fuer", "mit", "ohne", "ist", "sind", "war", "waren", "wird", "werden", "wurde", "es",
        "wir", "unser", "unsere", "unseren", "ihr", "ihre", "sie", "ich", "mein", "meine", "nicht", "kein", "keine", "kann", "koennen",
        "koennte", "geht", "gehen", "mehr", "seit", "heute", "morgen", "bitte", "hallo", "danke", "gruesse", "gruss", "beim", "bei",
        "auch", "noch", "schon", "wieder", "immer", "nur", "sehr", "alle", "allen", "einige", "mehrere", "benutzer", "nutzer",
        "mitarbeiter", "kollegen", "problem", "probleme", "fehler", "fehlermeldung", "funktioniert", "funktionieren", "mal", "dass",
        "wenn", "als", "wie", "was", "hat", "haben", "hatte", "man", "so", "da", "dann", "jetzt", "gerade", "ganz", "ueber", "aus",
        "nach", "vor", "unter", "dringend", "bekommen", "bekommt", "irgendwie", "leider", "seit", "stunde", "stunden",
    ], StringComparer.Ordinal);

    private static readonly FrozenSet<string> ServiceNames = FrozenSet.ToFrozenSet(
        ["teams", "sharepoint", "onedrive", "intune", "entra", "exchange", "powerbi", "power", "bi", "planner", "forms", "dynamics", "defender", "azure"],
        StringComparer.Ordinal);

    /// <summary>Concepts that say little alone: they count, but less.</summary>
    private static readonly FrozenSet<string> WeakConcepts = FrozenSet.ToFrozenSet(
        ["access", "outlook", "mail", "teams", "sharepoint", "onedrive", "file", "open", "slow", "fail", "app", "web", "client", "desktop"],
        StringComparer.Ordinal);

    /// <summary>Words (English and German, folded) that mean the same thing here, mapped to one concept.</summary>
    private static readonly FrozenDictionary<string, string> Synonyms = Concepts(
        ("mail", ["email", "e-mail", "emails", "e-mails", "mails", "mail", "nachricht", "nachrichten", "message", "messages"]),
        ("mailbox", ["mailbox", "mailboxes", "postfach", "postfaecher", "inbox", "posteingang"]),
        ("send", ["send", "sending", "sent", "senden", "versenden", "versand", "verschicken", "gesendet", "outbound", "ausgehend", "ausgehende"]),
        ("receive", ["receive", "receiving", "received", "empfangen", "empfang", "arrive", "arriving", "ankommen", "inbound", "eingehend", "eingehende"]),
        ("delay", ["delay", "delays", "delayed", "late", "verzoegert", "verzoegerung", "verzoegerungen", "verspaetet", "queued", "stuck", "haengen", "haengt"]),
        ("mailflow", ["flow", "mailflow"]),
        ("delivery", ["zustellung", "delivery", "deliver", "delivered", "zugestellt", "ndr", "bounce", "unzustellbar"]),
        ("signin", ["signin", "sign-in", "sign", "log", "anmeldeseite", "login", "log-in", "logon", "logging", "anmelden", "anmeldung", "einloggen", "authenticate", "authentication", "authentifizierung", "password", "passwort", "kennwort"]),
        ("mfa", ["mfa", "multifactor", "multi-factor", "authenticator", "2fa"]),
        ("access", ["access", "accessing", "zugriff", "zugreifen", "erreichbar", "reach", "load", "loading", "laden", "laedt"]),
        ("open", ["open", "oeffnen", "opening", "oeffnet"]),
        ("owa", ["owa", "webmail"]),
        ("web", ["web", "browser"]),
        ("crash", ["crash", "crashes", "crashing", "crashed", "absturz", "abstuerze", "stuerzt", "abstuerzen", "freezes", "freeze", "closing", "unexpectedly", "einfrieren", "friert"]),
        ("reset", ["reset", "resetting", "zuruecksetzen", "sspr", "forgot", "vergessen"]),
        ("restore", ["restore", "recover", "wiederherstellen", "wiederherstellung", "recycle", "papierkorb"]),
        ("forward", ["forward", "forwarding", "forwarded", "weiterleitung", "weiterleiten", "weitergeleitet"]),
        ("permission", ["permission", "permissions", "berechtigung", "berechtigungen", "vollzugriff", "rights", "rechte"]),
        ("billing", ["billing", "invoice", "invoices", "abrechnung", "rechnung", "rechnungen"]),
        ("coauthor", ["coauthor", "co-author", "coauthoring", "co-authoring", "gleichzeitig", "simultaneously"]),
        ("preview", ["preview", "previews", "thumbnail", "thumbnails", "vorschau"]),
        ("image", ["image", "images", "bild", "bilder", "picture", "pictures", "screenshot", "screenshots"]),
        ("storage", ["storage", "speicher", "speicherplatz", "quota"]),
        ("gateway", ["gateway"]),
        ("dictate", ["dictate", "dictation", "diktieren", "diktat"]),
        ("list", ["list", "lists", "liste", "listen"]),
        ("export", ["export", "exporting", "exportieren"]),
        ("install", ["install", "installation", "installieren", "deploy", "deployment"]),
        ("unlicensed", ["unlicensed", "lizenziert", "unlicenced"]),
        ("link", ["link", "links", "url", "urls"]),
        ("outlook", ["outlook"]),
        ("exchange", ["exchange"]),
        ("calendar", ["calendar", "calendars", "kalender", "appointment", "appointments", "termin", "termine", "invite", "invitation", "einladung", "einladungen"]),
        ("meeting", ["meeting", "meetings", "besprechung", "besprechungen", "konferenz"]),
        ("call", ["call", "calls", "calling", "anruf", "anrufe", "telefonie", "telefonieren", "phone", "pstn"]),
        ("chat", ["chat", "chats", "chatten"]),
        ("teams", ["teams"]),
        ("sharepoint", ["sharepoint"]),
        ("onedrive", ["onedrive"]),
        ("intune", ["intune"]),
        ("entra", ["entra"]),
        ("azure", ["azure"]),
        ("share", ["share", "sharing", "shared", "freigabe", "freigeben", "teilen", "geteilt", "freigegeben"]),
        ("sync", ["sync", "syncing", "synchronisation", "synchronisierung", "synchronisieren", "synchronization", "synchronize", "synchronisiert"]),
        ("search", ["search", "searching", "suche", "suchen", "find", "finden"]),
        ("upload", ["upload", "uploading", "hochladen"]),
        ("download", ["download", "herunterladen"]),
        ("file", ["file", "files", "datei", "dateien", "document", "documents", "dokument", "dokumente"]),
        ("site", ["site", "sites", "seite", "seiten", "website"]),
        ("slow", ["slow", "slowness", "langsam", "performance", "latency", "lag", "sluggish", "ewig"]),
        ("fail", ["fail", "fails", "failed", "failing", "failure", "fehlgeschlagen", "scheitert"]),
        ("mobile", ["mobile", "iphone", "android", "ios", "handy", "smartphone"]),
        ("device", ["device", "devices", "geraet", "geraete", "laptop"]),
        ("enroll", ["enroll", "enrollment", "enrolment", "registrierung", "registrieren"]),
        ("compliance", ["compliance", "compliant", "konform"]),
        ("policy", ["policy", "policies", "richtlinie", "richtlinien"]),
        ("licence", ["licence", "license", "licences", "licenses", "lizenz", "lizenzen"]),
        ("report", ["report", "reports", "bericht", "berichte", "dashboard", "dashboards"]),
        ("refresh", ["refresh", "aktualisierung", "aktualisieren"]),
        ("video", ["video", "kamera", "camera"]),
        ("audio", ["audio", "ton", "sound", "mikrofon", "microphone"]),
        ("join", ["join", "joining", "beitreten", "teilnehmen"]),
        ("spam", ["spam", "junk", "phishing"]),
        ("quarantine", ["quarantine", "quarantaene"]),
        ("word", ["word"]),
        ("excel", ["excel"]),
        ("powerpoint", ["powerpoint"]),
        ("activation", ["activation", "aktivierung", "activate", "aktivieren"]),
        ("planner", ["planner"]),
        ("task", ["tasks", "task", "aufgaben", "aufgabe"]),
        ("forms", ["forms", "formular", "umfrage", "survey"]),
        ("powerbi", ["powerbi"]),
        ("dynamics", ["dynamics", "crm"]),
        ("defender", ["defender"]),
        ("notification", ["notification", "notifications", "benachrichtigung", "benachrichtigungen"]),
        ("attachment", ["attachment", "attachments", "anhang", "anhaenge"]),
        ("recording", ["recording", "recordings", "aufzeichnung", "aufnahme"]),
        ("channel", ["channel", "channels", "kanal", "kanaele"]),
        ("presence", ["presence", "status", "praesenz"]),
        ("portal", ["admin center", "portal", "center"]));

    private static FrozenDictionary<string, string> Concepts(params (string Concept, string[] Words)[] groups) =>
        groups.SelectMany(g => g.Words.Select(w => (Word: w, g.Concept))).DistinctBy(p => p.Word).ToFrozenDictionary(p => p.Word, p => p.Concept, StringComparer.Ordinal);

    /// <summary>Parts of German compounds worth recognising inside a longer word.</summary>
    private static readonly (string Part, string Concept)[] CompoundParts =
    [
        ("postfach", "mailbox"), ("mail", "mail"), ("kalender", "calendar"), ("termin", "calendar"), ("freigabe", "share"),
        ("versand", "send"), ("empfang", "receive"), ("zustellung", "delivery"), ("anmeld", "signin"), ("zugriff", "access"),
        ("besprechung", "meeting"), ("anruf", "call"), ("telefon", "call"), ("suche", "search"), ("synchron", "sync"),
        ("datei", "file"), ("lizenz", "licence"), ("bericht", "report"), ("aktualisier", "refresh"), ("verzoeger", "delay"),
        ("richtlinie", "policy"), ("geraet", "device"), ("anhang", "attachment"), ("aufzeichnung", "recording"), ("kanal", "channel"),
        ("benachrichtigung", "notification"), ("kennwort", "signin"), ("passwort", "signin"), ("outlook", "outlook"), ("teams", "teams"),
    ];

    /// <summary>Concepts that point to one service when the ticket names none.</summary>
    private static readonly FrozenDictionary<string, string> ServiceOfConcept = new Dictionary<string, string>
    {
        ["mail"] = "exchange online",
        ["mailbox"] = "exchange online",
        ["owa"] = "exchange online",
        ["outlook"] = "exchange online",
        ["exchange"] = "exchange online",
        ["calendar"] = "exchange online",
        ["mailflow"] = "exchange online",
        ["delivery"] = "exchange online",
        ["teams"] = "microsoft teams",
        ["meeting"] = "microsoft teams",
        ["chat"] = "microsoft teams",
        ["call"] = "microsoft teams",
        ["channel"] = "microsoft teams",
        ["presence"] = "microsoft teams",
        ["recording"] = "microsoft teams",
        ["sharepoint"] = "sharepoint online",
        ["site"] = "sharepoint online",
        ["onedrive"] = "onedrive for business",
        ["entra"] = "microsoft entra id",
        ["mfa"] = "microsoft entra id",
        ["intune"] = "microsoft intune",
        ["enroll"] = "microsoft intune",
        ["compliance"] = "microsoft intune",
        ["word"] = "microsoft 365 apps",
        ["excel"] = "microsoft 365 apps",
        ["powerpoint"] = "microsoft 365 apps",
        ["activation"] = "microsoft 365 apps",
        ["powerbi"] = "power bi",
        ["power"] = "power bi",
        ["planner"] = "planner",
        ["forms"] = "microsoft forms",
        ["dynamics"] = "dynamics 365 apps",
        ["defender"] = "microsoft defender for office 365",
        ["quarantine"] = "microsoft defender for office 365",
    }.ToFrozenDictionary(StringComparer.Ordinal);
}
