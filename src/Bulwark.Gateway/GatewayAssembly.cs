namespace Bulwark.Gateway;

internal static class GatewayAssembly
{
    public const string Name = "Bulwark.Gateway";
}
