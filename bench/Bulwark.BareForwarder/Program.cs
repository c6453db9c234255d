// The floor for a .NET forwarder on this machine: Kestrel in, one pooled HttpMessageInvoker out, the body buffered
// and copied back, nothing else (no routing, no inspection, no key, no log, no audit). docs/benchmarks.md compares
// Bulwark's CPU per request with this under the same wrk load.
//
//   dotnet run -c Release --project bench/Bulwark.BareForwarder -- 18800 http://127.0.0.1:18802
using System.Net;

if (args.Length != 2 || !int.TryParse(args[0], out var port) || !Uri.TryCreate(args[1], UriKind.Absolute, out var upstream))
{
    Console.Error.WriteLine("usage: Bulwark.BareForwarder <listen-port> <upstream-base-url>");
    return 2;
}

var builder = WebApplication.CreateSlimBuilder();
builder.Logging.ClearProviders();
builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, port));
var app = builder.Build();
using var invoker = new HttpMessageInvoker(new SocketsHttpHandler
{
    UseProxy = false,
    AllowAutoRedirect = false,
    UseCookies = false,
    AutomaticDecompression = DecompressionMethods.None,
    ActivityHeadersPropagator = null,
});

app.Run(async context =>
{
    using var body = new MemoryStream();
    await context.Request.Body.CopyToAsync(body, context.RequestAborted);
    using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(upstream, context.Request.Path.Value))
    {
        Content = new ByteArrayContent(body.GetBuffer(), 0, (int)body.Length),
    };
    request.Content.Headers.TryAddWithoutValidation("Content-Type", context.Request.ContentType);
    using var response = await invoker.SendAsync(request, context.RequestAborted);
    context.Response.StatusCode = (int)response.StatusCode;
    context.Response.ContentType = response.Content.Headers.ContentType?.ToString();
    await response.Content.CopyToAsync(context.Response.Body, context.RequestAborted);
});
app.Run();
return 0;
