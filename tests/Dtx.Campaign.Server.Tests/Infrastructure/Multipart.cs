using System.Net.Http.Headers;
using System.Text;

namespace Dtx.Campaign.Server.Tests.Infrastructure;

public static class Multipart
{
    public static MultipartFormDataContent File(string fileName, string text) => File(fileName, Encoding.UTF8.GetBytes(text));

    public static MultipartFormDataContent File(string fileName, byte[] bytes)
    {
        var content = new ByteArrayContent(bytes);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        return new MultipartFormDataContent { { content, "file", fileName } };
    }
}
