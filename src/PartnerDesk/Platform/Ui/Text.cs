namespace PartnerDesk.Platform.Ui;

/// <summary>
/// Marker for the UI's texts. The English text is the key; Text.de.resx holds German. A text without a
/// translation shows in English rather than as a blank.
/// </summary>
public sealed class Text;
