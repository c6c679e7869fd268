namespace Veil.Shared.MemoryEncryption;

/// <summary>The flavor extra-spec and image-property keys the memory-encryption rules read.</summary>
public static class RequestKeys
{
    public const string FlavorMemEncryption = "hw:mem_encryption";
    public const string FlavorMemEncryptionModel = "hw:mem_encryption_model";
    public const string FlavorResourcesMemEncryptionContext = "resources:" + ResourceClasses.MemEncryptionContext;
    public const string FlavorTraitPrefix = "trait:";

    public const string ImageMemEncryption = "hw_mem_encryption";
    public const string ImageMemEncryptionModel = "hw_mem_encryption_model";
    public const string ImageFirmwareType = "hw_firmware_type";
    public const string ImageFirmwareStateless = "hw_firmware_stateless";
    public const string ImageMachineType = "hw_machine_type";
    public const string ImageDiskBus = "hw_disk_bus";
    public const string ImageCdromBus = "hw_cdrom_bus";
    public const string ImageScsiModel = "hw_scsi_model";
    public const string ImageKernelId = "kernel_id";
    public const string ImageRamdiskId = "ramdisk_id";
    public const string ImageKernelCommandLine = "os_command_line";
    public const string ImageSecureBoot = "os_secure_boot";
    public const string ImageHypervisorType = "img_hv_type";
}
