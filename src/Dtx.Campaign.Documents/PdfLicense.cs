using PdfSharp;
using PdfSharp.Pdf;

namespace Dtx.Campaign.Documents;

/// <summary>
/// PDFsharp 6.5 refuses to create documents until a licence is chosen: a commercial key (<see cref="UseKey"/>)
/// or the AGPL (<see cref="UseAgpl"/>, with AGPL obligations for the whole server). This library does not choose
/// for the host: call one of these once at start-up, from configuration.
/// </summary>
public static class PdfLicense
{
    public static void UseKey(string base64Key) => PdfSharpLicense.LoadLicense(base64Key);

    public static void UseAgpl() => PdfSharpLicense.SetAgplLicense();

    internal static PdfDocument NewDocument()
    {
        try
        {
            return new PdfDocument();
        }
        catch (Exception ex) when (ex.GetType().Name == "PdfSharpLicenseException")
        {
            throw new InvalidOperationException(
                "No valid PDFsharp licence is loaded: call PdfLicense.UseKey(key) or PdfLicense.UseAgpl() once at start-up before writing PDFs.", ex);
        }
    }
}
