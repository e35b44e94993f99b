using Dtx.Campaign.Server.Evidence;

namespace Dtx.Campaign.Server.Tests.Evidence;

/// <summary>The type check of an evidence file by its name and first bytes, without I/O, read in both languages.</summary>
public sealed class EvidenceFileTypeTests
{
    [Fact]
    public void A_file_without_an_extension_is_refused_in_the_readers_language()
    {
        var (type, refusal) = EvidenceFileType.Detect("bien-ban", "%PDF-1.7"u8);
        Assert.Null(type);
        Assert.StartsWith("không nhận tệp loại '(không có đuôi tệp)' (chấp nhận: .pdf", refusal!.Text("vi"), StringComparison.Ordinal);
        Assert.StartsWith("files of type '(no extension)' are not accepted", refusal.Text("en"), StringComparison.Ordinal);
    }

    [Fact]
    public void A_known_extension_with_other_content_is_refused_naming_the_file()
    {
        var (_, refusal) = EvidenceFileType.Detect("quyet-dinh.pdf", "<html>"u8);
        Assert.Equal("nội dung của 'quyet-dinh.pdf' không phải tệp .pdf", refusal!.Text("vi"));
        Assert.NotNull(EvidenceFileType.Detect("quyet-dinh.PDF", "%PDF-1.7"u8).Type);
    }
}
