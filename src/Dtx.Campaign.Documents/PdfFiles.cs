using PdfSharp.Pdf;

namespace Dtx.Campaign.Documents;

/// <summary>How this project's PDFs are made.</summary>
internal static class PdfFiles
{
    /// <summary>
    /// A new document compressed for speed: most of a one-page letter's time went to deflating its embedded font subset at
    /// PDFsharp's default level (a reminder's PDF is drawn as the e-mail is sent, one per unit).
    /// </summary>
    public static PdfDocument New() => new() { Options = { FlateEncodeMode = PdfFlateEncodeMode.BestSpeed } };
}
