using System.Runtime.CompilerServices;

namespace Dtx.Campaign.Documents.Tests;

internal static class PdfSetup
{
    // Tests use PDFsharp under the AGPL; the server chooses its licence at start-up (see docs/templates.md).
    [ModuleInitializer]
    internal static void Init() => PdfLicense.UseAgpl();
}
