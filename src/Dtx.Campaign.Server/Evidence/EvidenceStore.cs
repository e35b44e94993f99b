using System.Security.Cryptography;

namespace Dtx.Campaign.Server.Evidence;

/// <summary>Where evidence files live. Content-addressed by SHA-256: the same file is stored once.</summary>
public interface IEvidenceStore
{
    /// <summary>Stores the content and returns its SHA-256 (hex), which is also its key, and its size.</summary>
    Task<(string Sha256, long Size)> SaveAsync(Stream content, CancellationToken ct);

    Task<Stream?> OpenAsync(string sha256, CancellationToken ct);
}

/// <summary>
/// Evidence on the local disk under the data directory, in <c>evidence/ab/cdef…</c>. File names chosen by
/// users never reach the file system; only the hash does.
/// </summary>
internal sealed class LocalDiskEvidenceStore(string root) : IEvidenceStore
{
    public async Task<(string Sha256, long Size)> SaveAsync(Stream content, CancellationToken ct)
    {
        Directory.CreateDirectory(root);
        var temporary = Path.Combine(root, $".upload-{Guid.NewGuid():N}");
        try
        {
            string hash;
            long size;
            await using (var file = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, 81920, useAsync: true))
            using (var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256))
            {
                var buffer = new byte[81920];
                int read;
                while ((read = await content.ReadAsync(buffer, ct)) > 0)
                {
                    sha.AppendData(buffer, 0, read);
                    await file.WriteAsync(buffer.AsMemory(0, read), ct);
                }
                await file.FlushAsync(ct);
                size = file.Length;
                hash = Convert.ToHexStringLower(sha.GetHashAndReset());
            }
            var final = PathOf(hash);
            Directory.CreateDirectory(Path.GetDirectoryName(final)!);
            if (File.Exists(final))
                File.Delete(temporary);
            else
                File.Move(temporary, final);
            return (hash, size);
        }
        finally
        {
            if (File.Exists(temporary)) File.Delete(temporary);
        }
    }

    public Task<Stream?> OpenAsync(string sha256, CancellationToken ct)
    {
        if (sha256.Length != 64 || !sha256.All(Uri.IsHexDigit))
            return Task.FromResult<Stream?>(null);
        var path = PathOf(sha256);
        return Task.FromResult<Stream?>(File.Exists(path) ? new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 81920, useAsync: true) : null);
    }

    private string PathOf(string sha256) => Path.Combine(root, sha256[..2], sha256[2..]);
}
