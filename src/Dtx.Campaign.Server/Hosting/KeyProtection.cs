using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.DataProtection;

namespace Dtx.Campaign.Server.Hosting;

/// <summary>
/// Encrypts the data-protection keys (which sign cookies and antiforgery tokens) at rest in the database with an
/// RSA certificate that every node holds: <c>DataProtection:Certificate</c> (a PKCS#12 file, relative to the
/// server's folder or absolute) and <c>DataProtection:CertificatePassword</c>. Without it the keys are stored as
/// they are, protected only by the database's access rights (docs/operations.md).
/// </summary>
internal static class KeyProtection
{
    public const string CertificateSetting = "DataProtection:Certificate";
    public const string PasswordSetting = "DataProtection:CertificatePassword";

    public static IDataProtectionBuilder ProtectKeysAsConfigured(this IDataProtectionBuilder builder, IConfiguration configuration, IHostEnvironment environment)
    {
        var configured = configuration[CertificateSetting];
        if (string.IsNullOrWhiteSpace(configured))
            return builder;
        var certificate = Load(Path.GetFullPath(configured, environment.ContentRootPath), configuration[PasswordSetting]);
        // Decrypting with the certificate given, not one looked up in the user's certificate store (empty on a server).
        return builder.ProtectKeysWithCertificate(certificate).UnprotectKeysWithAnyCertificate(certificate);
    }

    private static X509Certificate2 Load(string path, string? password)
    {
        // Checked first: the loader reports a missing file as a wrong password.
        if (!File.Exists(path))
            throw Refuse($"không có tệp {path} / no such file {path}");
        X509Certificate2 certificate;
        try
        {
            certificate = X509CertificateLoader.LoadPkcs12FromFile(path, password, X509KeyStorageFlags.EphemeralKeySet);
        }
        catch (CryptographicException e)
        {
            throw Refuse($"không mở được {path} (sai mật khẩu hoặc không phải tệp PKCS#12) / cannot open {path}: wrong password or not a PKCS#12 file ({e.Message})", e);
        }
        // XML encryption wraps each key with the certificate's RSA key; an expired certificate still decrypts, so
        // expiry is not checked.
        using var rsa = certificate.GetRSAPrivateKey();
        if (rsa is null)
        {
            certificate.Dispose();
            throw Refuse($"{path} không có khóa bí mật RSA / holds no RSA private key");
        }
        return certificate;
    }

    private static StartupRefusedException Refuse(string message, Exception? inner = null) => new($"{CertificateSetting}: {message}", inner);
}
